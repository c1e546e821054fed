import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, gunzip } from './gzip.ts';

const tooLarge = (cap: number) => `too large: more than ${cap} bytes`;
const CAP = 1024 ** 2;

/** Bytes that compress a little, like images: runs of a value with some noise. */
function sample(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    bytes[i] = (i >> 6) % 7 === 0 ? s >>> 24 : 0;
  }
  return bytes;
}

const gz = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));

function withTrailer(data: Uint8Array, at: number, field: 'crc' | 'size', value: number): Uint8Array {
  const copy = data.slice();
  new DataView(copy.buffer).setUint32(at + (field === 'crc' ? 0 : 4), value, true);
  return copy;
}

describe('gunzip with checks', () => {
  it('computes CRC-32 as gzip does', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const bytes = sample(1000);
    expect(crc32(bytes.subarray(300), crc32(bytes.subarray(0, 300)))).toBe(crc32(bytes));
  });

  it('inflates one member, and every member of concatenated gzip data in order', () => {
    const a = sample(100_000, 1);
    const b = sample(70_000, 2);
    expect(Buffer.from(gunzip(gz(a), 'a.gz', CAP, tooLarge)).equals(a)).toBe(true);
    const both = Buffer.concat([gz(a), gz(b)]);
    expect(Buffer.from(gunzip(both, 'ab.gz', CAP, tooLarge)).equals(Buffer.concat([a, b]))).toBe(true);
    expect(gunzip(gz(new Uint8Array(0)), 'empty.gz', CAP, tooLarge)).toEqual(new Uint8Array(0));
  });

  it('refuses a member whose trailer gives another length or CRC-32, naming the file; the first member of two as well as the last', () => {
    const data = gz(sample(50_000));
    const end = data.length - 8;
    expect(() => gunzip(withTrailer(data, end, 'size', 784016), 'x.gz', CAP, tooLarge)).toThrow(
      'x.gz: the gzip data is damaged or truncated: its trailer gives a length of 784016 bytes, but it inflates to 50000',
    );
    expect(() => gunzip(withTrailer(data, end, 'crc', 0x12345678), 'x.gz', CAP, tooLarge)).toThrow(
      /^x\.gz: the gzip data is damaged or truncated: its trailer gives a CRC-32 of 0x12345678, but what inflates has 0x[0-9a-f]{8}$/,
    );
    const second = gz(sample(1000, 3));
    expect(() => gunzip(Buffer.concat([withTrailer(data, end, 'crc', 1), second]), 'two.gz', CAP, tooLarge)).toThrow(/^two\.gz: .*CRC-32 of 0x00000001/);
    expect(() => gunzip(Buffer.concat([data, withTrailer(second, second.length - 8, 'size', 5)]), 'two.gz', CAP, tooLarge)).toThrow(
      /^two\.gz: .*length of 5 bytes, but it inflates to 1000$/,
    );
  });

  it('a changed byte inside the compressed data is refused, never accepted silently', () => {
    const data = gz(sample(20_000));
    for (let at = 10; at < data.length - 8; at += 97) {
      const copy = data.slice();
      copy[at] ^= 0x10;
      expect(() => gunzip(copy, 'x.gz', CAP, tooLarge)).toThrow(/^x\.gz: the gzip data is damaged/);
    }
  });

  it('stops at the cap whatever the trailer claims', () => {
    const bomb = gz(new Uint8Array(4 * CAP));
    const lying = withTrailer(bomb, bomb.length - 8, 'size', 100);
    for (const data of [bomb, lying]) expect(() => gunzip(data, 'bomb.gz', CAP, tooLarge)).toThrow(`bomb.gz: too large: more than ${CAP} bytes`);
    // Exactly at the cap is accepted.
    expect(gunzip(gz(new Uint8Array(CAP)), 'full.gz', CAP, tooLarge)).toHaveLength(CAP);
  });

  it('says "truncated", naming the file, wherever the data is cut', () => {
    const data = gz(sample(200_000));
    const cuts = Array.from({ length: 60 }, (_, i) => Math.floor(((i + 0.5) * data.length) / 60));
    for (const cut of [1, 10, 17, 18, 25, ...cuts, data.length - 8, data.length - 4, data.length - 1]) {
      expect(() => gunzip(data.subarray(0, cut), 'cut.gz', CAP, tooLarge), `cut at ${cut} of ${data.length}`).toThrow(/^cut\.gz: .*truncated/);
    }
  });

  it('reports progress through the compressed bytes', () => {
    const data = gz(sample(300_000));
    const seen: number[] = [];
    gunzip(data, 'x.gz', CAP, tooLarge, (read, total) => {
      expect(total).toBe(data.length);
      seen.push(read);
    });
    expect(seen.at(-1)).toBe(data.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
