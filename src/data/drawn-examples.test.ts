import { describe, expect, it } from 'vitest';
import {
  classCounts,
  drawnSetProblem,
  examplesImageSet,
  exampleProblem,
  parseClassList,
  scarceClasses,
  splitExamples,
  toPixelBytes,
  type DrawnExample,
} from './drawn-examples.ts';
import { readIdxSet, writeIdxSet } from './idx-set.ts';

const shape = { height: 2, width: 2, classes: 3 };

function example(label: number, addedAt: number, ink = addedAt): DrawnExample {
  return { id: `e${addedAt}`, datasetId: 'd', label, height: 2, width: 2, pixels: Uint8Array.of(ink, 0, 0, ink), strokes: [[{ x: 1, y: 2 }]], addedAt };
}

describe('drawn examples', () => {
  it('accepts an example of the dataset shape and names what is wrong with anything else', () => {
    expect(exampleProblem(example(2, 1), shape)).toBeNull();
    expect(exampleProblem('hello', shape)).toBe('not a drawn example');
    expect(exampleProblem({ ...example(1, 1), id: 3 }, shape)).toBe('not a drawn example (no id or dataset)');
    expect(exampleProblem(example(3, 1), shape)).toBe('label 3 is not one of the 3 classes');
    expect(exampleProblem({ ...example(0, 1), height: 28, width: 28 }, shape)).toBe("it is 28×28, the dataset's images are 2×2");
    expect(exampleProblem({ ...example(0, 1), pixels: new Uint8Array(3) }, shape)).toBe('its pixels are missing or of the wrong size');
    expect(exampleProblem({ ...example(0, 1), strokes: [[{ x: 'a' }]] }, shape)).toBe('its strokes are damaged');
  });

  it('counts per class and warns of a class with under half the examples of the fullest, ignoring empty ones', () => {
    expect(classCounts([example(0, 1), example(2, 2), example(2, 3)], 3)).toEqual([1, 0, 2]);
    expect(scarceClasses([10, 0, 4, 5])).toEqual([2]);
    expect(scarceClasses([3, 1, 0])).toEqual([]);
  });

  it('holds out every fifth example of each class in the order they were added', () => {
    const examples = [...Array.from({ length: 10 }, (_, i) => example(0, 100 - i)), ...Array.from({ length: 4 }, (_, i) => example(1, 200 + i))];
    const { train, heldOut } = splitExamples(examples);
    expect(heldOut.map((e) => e.addedAt)).toEqual([95, 100]);
    expect(train).toHaveLength(12);
  });

  it('writes a set of examples as IDX files that read back to the same set and write the same bytes again', () => {
    const examples = Array.from({ length: 15 }, (_, i) => example(i % 3, i + 1, 10 * i));
    const set = examplesImageSet(examples, 'drawn', 2, 2, ['A', 'B', 'C']);
    expect([set.train.count, set.test.count]).toEqual([12, 3]);
    const files = writeIdxSet(set);
    expect(files.map((f) => f.name)).toEqual(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'labels.txt']);
    const read = readIdxSet(files, 'drawn again');
    expect(read.classNames).toEqual(['A', 'B', 'C']);
    expect(Array.from(read.test.labels)).toEqual(Array.from(set.test.labels));
    expect(writeIdxSet(read)).toEqual(files);
  });

  it('stores the network input as the bytes a dataset image holds', () => {
    expect(Array.from(toPixelBytes(Float32Array.of(0, 0.5, 1, 1.2)))).toEqual([0, 128, 255, 255]);
  });

  it('reads typed class names and refuses too few or repeated ones', () => {
    expect(parseClassList(' A, B ,\nC,, ')).toEqual(['A', 'B', 'C']);
    expect(parseClassList('✓,✗')).toEqual(['✓', '✗']);
    expect(() => parseClassList('A')).toThrow('a dataset needs at least 2 classes, only A was given');
    expect(() => parseClassList(' , ')).toThrow('none were given');
    expect(() => parseClassList('A, B, A')).toThrow('the class A is named twice');
  });

  it('lets a drawn set train once every class has 5 drawings, naming those short of them', () => {
    expect(drawnSetProblem([5, 3, 0], ['A', 'B', 'C'])).toBe(
      'Each class needs at least 5 drawings before training (B has 3, C has 0): one in 5 is held out to test on, so 5 gives every class 4 to learn from and 1 to test.',
    );
    expect(drawnSetProblem([5, 9], ['A', 'B'])).toBeNull();
  });
});
