/**
 * The safetensors format: 8 bytes of little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian tensors back to back.
 */
import { littleEndianBytes } from './export-model.ts';

export interface NamedTensor {
  name: string;
  shape: number[];
  /** float32, or int64 (a counter such as BatchNorm's num_batches_tracked). */
  values: Float32Array | BigInt64Array;
}

function tensorBytes(values: Float32Array | BigInt64Array): Uint8Array {
  if (values instanceof Float32Array) return littleEndianBytes(values);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, values[i], true);
  return bytes;
}

export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.values.length) throw new Error(`${tensor.name}: shape [${tensor.shape.join(', ')}] but ${tensor.values.length} values`);
    const size = tensor.values.BYTES_PER_ELEMENT;
    header[tensor.name] = { dtype: size === 4 ? 'F32' : 'I64', shape: tensor.shape, data_offsets: [offset, offset + count * size] };
    offset += count * size;
  }
  // The header is padded with spaces to a multiple of 8 bytes, so the tensors that follow stay aligned.
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const bytes = new Uint8Array(8 + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let position = 8 + json.length;
  for (const tensor of tensors) {
    bytes.set(tensorBytes(tensor.values), position);
    position += tensor.values.byteLength;
  }
  return bytes;
}
