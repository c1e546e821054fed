/**
 * gzip data (RFC 1952) inflated with its checks: every member's CRC-32 and length (the
 * trailer's ISIZE) are compared with what inflates, and inflating stops at a cap whatever
 * the header or trailer claims, so a lying trailer can neither size a buffer nor hide a
 * corrupt or truncated file.
 */
import { FlateErrorCode, Gunzip, type FlateError } from 'fflate';

/** gzip data that could not be inflated; the message names the file and the problem. */
export class GzipError extends Error {
  override name = 'GzipError';
  constructor(
    message: string,
    readonly kind: 'truncated' | 'damaged' | 'too-large',
  ) {
    super(message);
  }
}

/**
 * Input is fed to the inflater in slices this long: deflate expands at most about 1032:1, so one
 * slice can overshoot the cap by at most ~33 MB before the check between slices stops it.
 */
const SLICE = 32 * 1024;

/** The smallest gzip member: a 10-byte header, an empty deflate block and the 8-byte trailer. */
const MIN_GZIP_BYTES = 18;

/** CRC-32 tables for slicing by 8: table k gives a byte's contribution k bytes further on. */
const CRC_TABLES = (() => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(k - 1) * 256 + n];
      tables[k * 256 + n] = tables[previous & 0xff] ^ (previous >>> 8);
    }
  }
  return tables;
})();

/** CRC-32 (the polynomial gzip and zip use), continued from `crc` over `bytes`, 8 bytes a step. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** A growing output that refuses to pass `cap` bytes; sized from a hint it does not trust beyond the cap. */
class CappedOutput {
  bytes: Uint8Array;
  length = 0;
  constructor(
    hint: number,
    private readonly cap: number,
    private readonly tooLarge: () => GzipError,
  ) {
    this.bytes = new Uint8Array(Math.min(hint, cap));
  }

  append(chunk: Uint8Array): void {
    const end = this.length + chunk.length;
    if (end > this.cap) throw this.tooLarge();
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.cap, Math.max(end, this.bytes.length * 2)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length = end;
  }

  /** The inflated bytes, without keeping a larger buffer alive behind them. */
  result(): Uint8Array {
    return this.length === this.bytes.length ? this.bytes : this.bytes.slice(0, this.length);
  }
}

/**
 * Inflates every member of `bytes` (gzip data of the file `name`) into one buffer of at most
 * `cap` bytes; `tooLarge` words the refusal past it. Throws GzipError naming the file: truncated
 * data, damaged data, a member whose CRC-32 or length does not match its trailer, more than `cap`.
 * `onProgress` hears the compressed bytes read so far, between slices.
 */
export function gunzip(
  bytes: Uint8Array,
  name: string,
  cap: number,
  tooLarge: (cap: number) => string,
  onProgress?: (read: number, total: number) => void,
): Uint8Array {
  if (bytes.length < MIN_GZIP_BYTES) throw new GzipError(`${name}: file is truncated: ${bytes.length} bytes is too short for gzip data`, 'truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The last member's length, a hint for the first allocation only (checked once inflated), and
  // never more than deflate's largest expansion (about 1032:1) of these bytes could give.
  const hint = Math.min(view.getUint32(bytes.length - 4, true), bytes.length * 1032);
  const output = new CappedOutput(hint, cap, () => new GzipError(`${name}: ${tooLarge(cap)}`, 'too-large'));

  let memberStart = 0;
  let crc = 0;
  const checkMember = (trailerAt: number) => {
    const size = output.length - memberStart;
    if (trailerAt < 0 || trailerAt + 8 > bytes.length) throw new GzipError(`${name}: file is truncated: a gzip member ends without its trailer`, 'truncated');
    const expectedCrc = view.getUint32(trailerAt, true);
    const expectedSize = view.getUint32(trailerAt + 4, true);
    if (expectedSize !== size % 2 ** 32) {
      throw new GzipError(
        `${name}: the gzip data is damaged or truncated: its trailer gives a length of ${expectedSize} bytes, but it inflates to ${size}`,
        'damaged',
      );
    }
    if (expectedCrc !== crc) {
      throw new GzipError(`${name}: the gzip data is damaged or truncated: its trailer gives a CRC-32 of ${hex(expectedCrc)}, but what inflates has ${hex(crc)}`, 'damaged');
    }
    memberStart = output.length;
    crc = 0;
  };

  const inflater = new Gunzip((chunk) => {
    output.append(chunk);
    crc = crc32(chunk, crc);
  });
  // Called when the next member's header is read: the previous member's 8-byte trailer ends there.
  inflater.onmember = (offset) => checkMember(offset - 8);
  try {
    for (let at = 0; at < bytes.length; at += SLICE) {
      const end = Math.min(at + SLICE, bytes.length);
      inflater.push(bytes.subarray(at, end), end === bytes.length);
      onProgress?.(end, bytes.length);
    }
  } catch (error) {
    if (error instanceof GzipError) throw error;
    const flate = error as FlateError;
    if (flate.code === FlateErrorCode.UnexpectedEOF) throw new GzipError(`${name}: file is truncated: the gzip data ends before its last block`, 'truncated');
    throw new GzipError(`${name}: the gzip data is damaged (${flate.message})`, 'damaged');
  }
  checkMember(bytes.length - 8);
  return output.result();
}
