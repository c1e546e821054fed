/** What every exporter takes, and the byte order every format stores floats in. */
import type { Config } from '../engine/config.ts';
import { isDenseSpec, type DenseSpec, type LayerSpec } from '../engine/layer.ts';

/** A config and its trained layers. */
export interface ExportModel {
  config: Config;
  layers: DenseSpec[];
}

/** Convolution, pooling and flatten layers are not exported yet. */
export class UnsupportedLayerError extends Error {
  override name = 'UnsupportedLayerError';
}

/** The model, if all its layers are dense: the only ones the exporters write. */
export function denseModel(model: { config: Config; layers: LayerSpec[] }): ExportModel {
  const other = model.layers.find((layer) => !isDenseSpec(layer));
  if (other) throw new UnsupportedLayerError(`the model has a ${other.type} layer; only networks of dense layers can be exported so far`);
  return { config: model.config, layers: model.layers as DenseSpec[] };
}

/** Float32 values as little-endian bytes, whatever the machine's own order. */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}
