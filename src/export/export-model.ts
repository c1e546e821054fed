/** What every exporter takes, and the byte order every format stores floats in. */
import type { Config } from '../engine/config.ts';
import type { DenseSpec } from '../engine/layer.ts';

/** A config and its trained layers. */
export interface ExportModel {
  config: Config;
  layers: DenseSpec[];
}

/** Float32 values as little-endian bytes, whatever the machine's own order. */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}
