/**
 * Memory of adding a dataset, on the worker's path in Node: the four Fashion-MNIST .gz files
 * read as bytes, parsed by readIdxSet (gunzip into buffers sized from the gzip trailer, pixels
 * viewed in place), then cloned as IndexedDB's structured clone stores it (v8.serialize is
 * that algorithm). ArrayBuffer bytes are sampled after each step, with garbage collected first,
 * and reported against the set's pixel bytes: the issue asks for at most two copies at once.
 *
 *   npm run bench:dataset-memory [-- DIR]   (node --expose-gc --import tsx scripts/dataset-memory.ts [DIR])
 * It fails above 2.05 copies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { readIdxSet, type NamedBytes } from '../src/data/idx-set.ts';

const dir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const MB = 1024 ** 2;
const buffers = () => {
  // Twice: external buffers are freed by the weak callbacks the first collection queues.
  gc();
  gc();
  const { arrayBuffers, external } = process.memoryUsage();
  // v8.serialize's result is external memory that arrayBuffers does not count.
  return Math.max(arrayBuffers, external);
};

const base = buffers();
const files: NamedBytes[] = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((name) => {
  const buffer = readFileSync(join(dir, name));
  return { name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
});
const read = buffers() - base;
const set = readIdxSet(files, 'fashion');
const parsed = buffers() - base;
const pixels = set.train.images.length + set.test.images.length;
// The worker's reader drops the compressed bytes when it returns, before the set is stored.
files.length = 0;
const dropped = buffers() - base;
const stored = serialize(set);
const storing = buffers() - base;
const kept = stored.length;

const row = (what: string, bytes: number) => console.log(`${what.padEnd(48)} ${(bytes / MB).toFixed(1).padStart(7)} MB  ${(bytes / pixels).toFixed(2)} × pixels`);
console.log(`${set.name}: ${set.train.count} + ${set.test.count} images of ${set.height}×${set.width}, pixels ${(pixels / MB).toFixed(1)} MB`);
row('compressed files read', read);
row('parsed (files + pixels)', parsed);
row('compressed bytes dropped (pixels)', dropped);
row('while storing (pixels + clone)', storing);
row('the clone alone', kept);
console.log(`peak: ${(Math.max(read, parsed, storing) / pixels).toFixed(2)} × the pixels (${(Math.max(read, parsed, storing) / MB).toFixed(1)} MB)`);
// The bound: two copies of the pixels at once. A little slack for the allocator's own buffers.
const copies = Math.max(read, parsed, storing) / pixels;
if (copies > 2.05) {
  console.error(`Adding the set held ${copies.toFixed(2)} copies of its pixels at once; the bound is 2.`);
  process.exitCode = 1;
}
