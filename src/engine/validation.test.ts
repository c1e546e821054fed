import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { EarlyStopping, splitValidation } from './validation.ts';

/** count one-pixel samples whose pixel and label both name the sample (mod 256 and 10). */
function indexed(count: number): Dataset {
  return {
    images: Uint8Array.from({ length: count }, (_, i) => i % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    inputSize: 1,
  };
}

/** Which of `data`'s samples a view holds, found from where its bytes sit in the shared buffer. */
function sampleRange(whole: Dataset, part: Dataset): [number, number] {
  const start = (part.images.byteOffset - whole.images.byteOffset) / whole.inputSize;
  expect(part.labels.byteOffset - whole.labels.byteOffset).toBe(start);
  return [start, start + part.count];
}

describe('splitValidation', () => {
  it('holds out the last images and trains on the first of the rest', () => {
    const data = indexed(60);
    const { train, validation } = splitValidation(data, 60, 10);
    expect(sampleRange(data, train)).toEqual([0, 50]);
    expect(validation && sampleRange(data, validation)).toEqual([50, 60]);
    expect(Array.from(validation?.labels ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('no validation split: the first samples, as before', () => {
    const data = indexed(30);
    const { train, validation } = splitValidation(data, 20, 0);
    expect(validation).toBeNull();
    expect(sampleRange(data, train)).toEqual([0, 20]);
  });

  it('never puts a sample in both, and uses every sample it can', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 500 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 600 }), (count, samples, held) => {
        const data = indexed(count);
        const { train, validation } = splitValidation(data, samples, held);
        const [trainStart, trainEnd] = sampleRange(data, train);
        expect(trainStart).toBe(0);
        expect(train.count).toBeGreaterThan(0);
        if (validation === null) {
          expect(held).toBe(0);
          expect(trainEnd).toBe(Math.min(samples, count));
          return;
        }
        const [validationStart, validationEnd] = sampleRange(data, validation);
        expect(trainEnd).toBeLessThanOrEqual(validationStart);
        expect(validationEnd).toBe(count);
        expect(validation.count).toBe(Math.min(held, count - 1));
        expect(train.count).toBe(Math.min(samples, count - validation.count));
      }),
      { numRuns: 300 },
    );
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without a better accuracy, remembering the best', () => {
    const stopping = new EarlyStopping(2);
    const verdicts = [0.5, 0.7, 0.69, 0.7, 0.65].map((accuracy, i) => stopping.update(i + 1, accuracy));
    expect(verdicts).toEqual(['best', 'best', 'wait', 'stop', 'stop']);
    expect(stopping.bestEpoch).toBe(2);
    expect(stopping.bestAccuracy).toBe(0.7);
  });

  it('a better epoch resets the count', () => {
    const stopping = new EarlyStopping(2);
    const verdicts = [0.5, 0.4, 0.6, 0.6, 0.6].map((accuracy, i) => stopping.update(i + 1, accuracy));
    expect(verdicts).toEqual(['best', 'wait', 'best', 'wait', 'stop']);
    expect(stopping.bestEpoch).toBe(3);
  });

  it('patience 0 tracks the best but never stops', () => {
    const stopping = new EarlyStopping(0);
    const verdicts = [0.9, 0.1, 0.1, 0.1, 0.1, 0.1].map((accuracy, i) => stopping.update(i + 1, accuracy));
    expect(verdicts).toEqual(['best', 'wait', 'wait', 'wait', 'wait', 'wait']);
    expect(stopping.bestEpoch).toBe(1);
  });
});
