import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { argmax, confidentMistakes, evaluate, metricsFromConfusion } from './metrics.ts';
import { Network } from './network.ts';

// The seed post's test-set confusion matrices ([actual][predicted]) and the
// per-digit tables it printed for them: [accuracy, precision, recall, F1] in %.
const SIGMOID_RUN = {
  confusion: [
    [971, 0, 0, 1, 0, 1, 2, 2, 2, 1],
    [0, 1123, 2, 1, 0, 1, 4, 1, 3, 0],
    [9, 3, 996, 6, 1, 0, 1, 9, 7, 0],
    [1, 0, 6, 979, 0, 7, 1, 6, 5, 5],
    [0, 0, 2, 0, 958, 0, 6, 0, 0, 16],
    [4, 2, 0, 6, 1, 866, 5, 1, 3, 4],
    [7, 3, 0, 0, 4, 9, 932, 0, 3, 0],
    [2, 10, 11, 1, 3, 1, 0, 990, 2, 8],
    [5, 1, 1, 3, 4, 5, 5, 2, 945, 3],
    [8, 5, 0, 7, 12, 1, 1, 6, 4, 965],
  ],
  table: [
    [99.1, 96.4, 99.1, 97.7],
    [98.9, 97.9, 98.9, 98.4],
    [96.5, 97.8, 96.5, 97.2],
    [96.9, 97.5, 96.9, 97.2],
    [97.6, 97.5, 97.6, 97.5],
    [97.1, 97.2, 97.1, 97.1],
    [97.3, 97.4, 97.3, 97.3],
    [96.3, 97.3, 96.3, 96.8],
    [97.0, 97.0, 97.0, 97.0],
    [95.6, 96.3, 95.6, 96.0],
  ],
  overall: 97.25,
};

const SOFTMAX_RUN = {
  confusion: [
    [972, 0, 2, 1, 0, 3, 0, 2, 0, 0],
    [0, 1125, 3, 1, 0, 1, 2, 1, 2, 0],
    [4, 3, 1012, 1, 1, 1, 1, 4, 4, 1],
    [1, 0, 5, 988, 0, 5, 0, 2, 2, 7],
    [0, 0, 2, 1, 968, 0, 4, 1, 0, 6],
    [2, 0, 0, 7, 0, 877, 3, 1, 1, 1],
    [6, 3, 2, 0, 3, 8, 935, 0, 1, 0],
    [1, 2, 10, 3, 5, 1, 0, 999, 1, 6],
    [4, 1, 6, 6, 5, 6, 1, 3, 938, 4],
    [4, 3, 0, 3, 9, 4, 0, 4, 1, 981],
  ],
  table: [
    [99.2, 97.8, 99.2, 98.5],
    [99.1, 98.9, 99.1, 99.0],
    [98.1, 97.1, 98.1, 97.6],
    [97.8, 97.7, 97.8, 97.8],
    [98.6, 97.7, 98.6, 98.1],
    [98.3, 96.8, 98.3, 97.6],
    [97.6, 98.8, 97.6, 98.2],
    [97.2, 98.2, 97.2, 97.7],
    [96.3, 98.7, 96.3, 97.5],
    [97.2, 97.5, 97.2, 97.4],
  ],
  overall: 97.95,
};

describe('metricsFromConfusion', () => {
  it.each([
    ['Sigmoid', SIGMOID_RUN],
    ['Softmax', SOFTMAX_RUN],
  ])("reproduces the seed's %s report", (_, run) => {
    const metrics = metricsFromConfusion(run.confusion);
    expect(metrics.total).toBe(10_000);
    expect((metrics.accuracy * 100).toFixed(2)).toBe(run.overall.toFixed(2));
    metrics.perDigit.forEach((digit, d) => {
      const shown = [digit.accuracy, digit.precision, digit.recall, digit.f1].map((value) => (value * 100).toFixed(1));
      expect(shown, `digit ${d}`).toEqual(run.table[d].map((value) => value.toFixed(1)));
      expect(digit.digit).toBe(d);
      expect(digit.support).toBe(run.confusion[d].reduce((a, b) => a + b, 0));
    });
  });

  it('scores a class that never occurs and is never predicted as 0, not NaN', () => {
    const metrics = metricsFromConfusion([
      [3, 1, 0],
      [0, 2, 0],
      [0, 0, 0],
    ]);
    expect(metrics.correct).toBe(5);
    expect(metrics.accuracy).toBeCloseTo(5 / 6);
    expect(metrics.perDigit[2]).toEqual({ digit: 2, accuracy: 0, precision: 0, recall: 0, f1: 0, support: 0 });
    expect(metrics.perDigit[1].precision).toBeCloseTo(2 / 3);
    expect(metrics.perDigit[1].recall).toBe(1);
    expect(metrics.perDigit[1].f1).toBeCloseTo(0.8);
  });

  it('gives 0 accuracy for an empty matrix', () => {
    expect(metricsFromConfusion([[0]]).accuracy).toBe(0);
  });
});

describe('evaluate', () => {
  it("tallies each sample's predicted class against its label, across batches", () => {
    // Output k = pixel k (identity weights, linear output): the prediction is the brightest pixel.
    const weights = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const network = Network.fromLayers([{ inputs: 3, outputs: 3, activation: 'Linear', weights, biases: new Float32Array(3) }]);
    const data: Dataset = {
      images: Uint8Array.from([255, 0, 0, 0, 9, 1, 0, 0, 7, 5, 200, 0, 0, 0, 1]),
      labels: Uint8Array.from([0, 1, 2, 0, 1]),
      count: 5,
      inputSize: 3,
    };
    const evaluation = evaluate(network, data, 2);
    expect(Array.from(evaluation.predicted)).toEqual([0, 1, 2, 1, 2]);
    expect(evaluation.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(evaluation.correct).toBe(3);
    expect(evaluation.accuracy).toBeCloseTo(0.6);
  });
});

describe('argmax', () => {
  it('finds the first largest value within the given window', () => {
    const values = Float32Array.from([9, 1, 3, 3, 0]);
    expect(argmax(values, 1, 4)).toBe(1);
    expect(argmax(values, 0, 5)).toBe(0);
  });
});

describe('confidentMistakes', () => {
  it('lists only the wrong answers, the surest first, ties in dataset order', () => {
    const labels = [0, 1, 2, 3, 4, 5, 6];
    const predicted = Uint8Array.from([0, 7, 2, 9, 1, 8, 6]);
    const confidence = Float32Array.from([0.99, 0.6, 0.95, 0.9, 0.6, 0.97, 0.5]);
    // Wrong: 1 (0.6), 3 (0.9), 4 (0.6), 5 (0.97); the correct 0, 2 and 6 are left out however sure.
    expect(Array.from(confidentMistakes(labels, { predicted, confidence }))).toEqual([5, 3, 1, 4]);
    expect(confidentMistakes([1, 2], { predicted: Uint8Array.from([1, 2]), confidence: new Float32Array(2) })).toHaveLength(0);
  });

  it('reads the confidence evaluate records: the output of the predicted class', () => {
    // One weight matrix from 2 inputs to 2 softmax outputs: the first pixel votes for class 0.
    const network = Network.fromLayers([{ inputs: 2, outputs: 2, activation: 'Softmax', weights: Float32Array.from([4, 0, 0, 0]), biases: new Float32Array(2) }]);
    const data: Dataset = { images: Uint8Array.from([255, 0, 51, 0, 0, 0]), labels: Uint8Array.from([1, 1, 0]), count: 3, inputSize: 2 };
    const evaluation = evaluate(network, data);
    expect(Array.from(evaluation.predicted)).toEqual([0, 0, 0]);
    expect(evaluation.confidence[0]).toBeCloseTo(Math.exp(4) / (Math.exp(4) + 1), 5);
    expect(evaluation.confidence[1]).toBeCloseTo(Math.exp(0.8) / (Math.exp(0.8) + 1), 5);
    // Image 0 (input 1.0) was read more surely than image 1 (input 0.2), both wrongly.
    expect(Array.from(confidentMistakes(data.labels, evaluation))).toEqual([0, 1]);
  });
});
