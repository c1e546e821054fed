/** What every exporter takes, and the byte order every format stores floats in. */
import type { Config } from '../engine/config.ts';
import { isDenseSpec, type LayerSpec, type Shape } from '../engine/layer.ts';
import { layerExport } from './registry.ts';

/** A config and its trained layers. */
export interface ExportModel {
  config: Config;
  layers: LayerSpec[];
}

/** Float32 values as little-endian bytes, whatever the machine's own order. */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/**
 * The shape of one image: the first layer's map, or a vector for a dense first layer.
 * Every export takes [batch, size] pixels, as the dense ones always have, and shapes
 * them into this map itself, so the code that feeds one exported model feeds any.
 */
export function imageShape(layers: readonly LayerSpec[]): Shape {
  const first = layers[0];
  return isDenseSpec(first) ? [1, 1, first.inputs] : first.inputShape;
}

/**
 * How each layer reads its input: `reshape` for the first layer of a network on image
 * maps (the [batch, size] input becomes a map), `flatten` for a dense layer on a map
 * (it reads the map channels-last, as our Dense does), nothing otherwise.
 */
export function inputSteps(layers: readonly LayerSpec[]): ('reshape' | 'flatten' | null)[] {
  let spatial = false;
  return layers.map((spec, l) => {
    let step: 'reshape' | 'flatten' | null = null;
    if (isDenseSpec(spec)) {
      if (spatial) step = 'flatten';
      spatial = false;
    } else if (l === 0 || !layerExport(spec).keepsLayout) {
      if (l === 0) step = 'reshape';
      spatial = spec.type !== 'flatten';
    }
    return step;
  });
}
