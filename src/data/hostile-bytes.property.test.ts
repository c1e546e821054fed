/**
 * Files made to break the readers: random bytes, and valid .gz, IDX, zip and ONNX files with
 * bytes flipped, cut, inserted or overwritten by edge values. Each reader ends in a result or
 * in its own error whose message names the file, never in another exception, and never
 * inflates past the cap it is given.
 */
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../export/onnx.ts';
import { importOnnx } from '../export/onnx-import.ts';
import { ModelError, parseModel } from '../formats/model-format.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';
import { GzipError, gunzip } from './gzip.ts';
import { IdxError } from './idx.ts';
import { zipFiles } from './image-folder.ts';
import { readIdxSet, type NamedBytes } from './idx-set.ts';

const RUNS = 150;

type Damage = { at: number; op: 'flip' | 'cut' | 'insert' | 'word'; value: number };

const damage: fc.Arbitrary<Damage> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  op: fc.constantFrom('flip', 'cut', 'insert', 'word'),
  value: fc.constantFrom(0, 1, 0xff, 0x7fffffff, 0xffffffff, 784, 0x803, 0x801, 0x1f8b0800, 2 ** 31),
});

/** `bytes` with each damage applied at its relative position. */
function damaged(bytes: Uint8Array, damages: Damage[]): Uint8Array {
  let out = bytes.slice();
  for (const { at, op, value } of damages) {
    const i = Math.min(out.length - 1, Math.floor(at * out.length));
    if (out.length === 0) break;
    if (op === 'flip') out[i] ^= 1 << (value % 8);
    if (op === 'cut') out = out.slice(0, i);
    if (op === 'insert') out = Uint8Array.from([...out.subarray(0, i), value & 0xff, ...out.subarray(i)]);
    if (op === 'word' && i + 4 <= out.length) new DataView(out.buffer).setUint32(i, value >>> 0, value % 2 === 0);
  }
  return out;
}

const mutations = fc.array(damage, { minLength: 1, maxLength: 4 });
const randomBytes = fc.uint8Array({ maxLength: 600 });

/** Runs `read`; an exception must be one of `errors` and its message must start with `name`. */
function endsWell(read: () => unknown, name: string, ...errors: (new (...args: never[]) => Error)[]): void {
  try {
    read();
  } catch (error) {
    if (!errors.some((kind) => error instanceof kind)) throw error;
    expect((error as Error).message.startsWith(name)).toBe(true);
  }
}

const IDX_FILES: NamedBytes[] = [
  { name: 'train-images-idx3-ubyte.gz', bytes: gzipSync(idxImages([1, 2, 3, 4], { height: 5, width: 4 })) },
  { name: 'train-labels-idx1-ubyte.gz', bytes: gzipSync(idxLabels([0, 1, 0, 1])) },
  { name: 't10k-images-idx3-ubyte', bytes: idxImages([5, 6], { height: 5, width: 4 }) },
  { name: 't10k-labels-idx1-ubyte', bytes: idxLabels([1, 0]) },
];

describe('hostile bytes', () => {
  it('gzip: random bytes and damaged .gz end in data of at most the cap or a GzipError naming the file', () => {
    const cap = 4096;
    const valid = gzipSync(Buffer.concat([Buffer.alloc(3000, 7), Buffer.alloc(3000)]));
    const check = (bytes: Uint8Array) => {
      try {
        expect(gunzip(bytes, 'x.gz', cap, () => 'too large').length).toBeLessThanOrEqual(cap);
      } catch (error) {
        if (!(error instanceof GzipError)) throw error;
        expect(error.message.startsWith('x.gz: ')).toBe(true);
      }
    };
    fc.assert(fc.property(randomBytes, (bytes) => check(Uint8Array.from([0x1f, 0x8b, ...bytes]))), { numRuns: RUNS });
    fc.assert(fc.property(mutations, (damages) => check(damaged(valid, damages))), { numRuns: RUNS });
  });

  it('IDX sets: a damaged file of the four ends in a set or an IdxError naming a file', () => {
    const names = IDX_FILES.map((file) => file.name);
    fc.assert(
      fc.property(fc.nat(3), mutations, (which, damages) => {
        const files = IDX_FILES.map((file, i) => (i === which ? { ...file, bytes: damaged(file.bytes, damages) } : file));
        try {
          const set = readIdxSet(files, 'set');
          expect(set.train.images.length).toBe(set.train.count * set.height * set.width);
        } catch (error) {
          if (!(error instanceof IdxError)) throw error;
          expect(names.some((name) => error.message.startsWith(`${name}: `)) || error.message.startsWith('set: ')).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('zip: random bytes and a damaged zip end in its files or an IdxError naming the zip', () => {
    const valid = zipSync({ 'a/1.png': new Uint8Array(200).fill(3), 'b/2.png': new Uint8Array(300) });
    fc.assert(fc.property(randomBytes, (bytes) => endsWell(() => zipFiles(bytes, 'set.zip'), 'set.zip: ', IdxError)), { numRuns: RUNS });
    fc.assert(fc.property(mutations, (damages) => endsWell(() => zipFiles(damaged(valid, damages), 'set.zip'), 'set.zip: ', IdxError)), { numRuns: RUNS });
  });

  it('ONNX: random bytes and a damaged export end in a model or a ModelError', () => {
    // 784-1-10, small enough to mutate quickly.
    const hidden = { rows: 1, cols: 785, data: new Array(785).fill(0.01) };
    const output = { rows: 10, cols: 2, data: Array.from({ length: 20 }, (_, i) => i / 20) };
    const model = parseModel(JSON.stringify({ layers: [784, 1, 10], weights: [hidden, output], activation_types: ['Sigmoid', 'Softmax'], learning_rate: 0.1, momentum: 0.9 }));
    const valid = exportOnnx(model);
    expect(importOnnx(valid).config.layers).toEqual([784, 1, 10]);
    fc.assert(fc.property(randomBytes, (bytes) => endsWell(() => importOnnx(bytes), '', ModelError)), { numRuns: RUNS });
    fc.assert(fc.property(mutations, (damages) => endsWell(() => importOnnx(damaged(valid, damages)), '', ModelError)), { numRuns: RUNS });
  });
});
