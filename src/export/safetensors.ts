/**
 * The safetensors format: 8 bytes of little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian tensors back to back.
 */
import { littleEndianBytes } from './export-model.ts';

export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.values.length) throw new Error(`${tensor.name}: shape [${tensor.shape.join(', ')}] but ${tensor.values.length} values`);
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
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
    bytes.set(littleEndianBytes(tensor.values), position);
    position += tensor.values.length * 4;
  }
  return bytes;
}
