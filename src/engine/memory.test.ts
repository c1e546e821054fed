import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { parseConfig } from '../formats/config-format.ts';
import type { Config } from './config.ts';
import { firstSamples } from './dataset.ts';
import type { Kernels } from './kernels.ts';
import { evaluate } from './metrics.ts';
import { estimateTrainingBytes, Network } from './network.ts';
import { createRng } from './rng.ts';
import { Trainer } from './train.ts';

/** Bytes of every buffer reachable from `root` (typed arrays' and WebAssembly memories'), each buffer counted once, except those in `skip`. */
function heldBytes(root: unknown, skip: Set<ArrayBufferLike>): number {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return void buffers.add(value.buffer);
    if (value instanceof WebAssembly.Memory) return void buffers.add(value.buffer);
    for (const key of Reflect.ownKeys(value)) visit((value as Record<string | symbol, unknown>)[key]);
  };
  visit(root);
  let total = 0;
  for (const buffer of buffers) if (!skip.has(buffer)) total += buffer.byteLength;
  return total;
}

const train = firstSamples(loadMnistNode('train'), 300);
const test = firstSamples(loadMnistNode('test'), 300);

function preset(name: string): Config {
  return parseConfig(readFileSync(join(import.meta.dirname, `../presets/${name}.json`), 'utf8'));
}

/** What a trainer and its network hold once they have trained a batch and evaluated (the largest batch), the dataset aside. */
function measuredBytes(config: Config, kernels: Kernels): number {
  const rng = createRng(1);
  const network = Network.forConfig(config, rng, kernels);
  const trainer = new Trainer(network, config, train, rng);
  trainer.trainSamples(config.batchSize * 3);
  evaluate(network, test);
  return heldBytes(trainer, new Set([train.images.buffer, train.labels.buffer]));
}

describe('estimateTrainingBytes against what the engine holds', () => {
  const stride2: Config = {
    ...preset('convnetjs'),
    stack: {
      input: [28, 28, 1],
      layers: [
        { type: 'conv2d', filters: 5, kernelSize: 3, stride: 2, padding: 'valid', activation: 'ReLU' },
        { type: 'conv2d', filters: 12, kernelSize: 4, stride: 1, padding: 'same', activation: 'Tanh' },
        { type: 'maxpool2d', poolSize: 2, stride: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
    },
  };
  const cases: [string, Config][] = [
    ['the ConvNetJS preset', preset('convnetjs')],
    ['CNN (fast)', preset('cnn-fast')],
    ['CNN (99% fast), with batch normalisation', preset('cnn-99')],
    ['a stride-2 valid and an even same convolution, Tanh', stride2],
  ];
  for (const [name, config] of cases) {
    for (const kernels of ['wasm', 'ts'] as const) {
      it(`${name}, ${kernels} kernels: the estimate is at most 5% above the arrays held, never below`, () => {
        const held = measuredBytes(config, kernels);
        const estimate = estimateTrainingBytes(config.stack ?? config.layers, config.batchSize, config.optimizer, kernels);
        expect(estimate).toBeGreaterThanOrEqual(held);
        expect(estimate).toBeLessThanOrEqual(held * 1.05);
      });
    }
  }

  it('counts the ConvNetJS network at its real size: the direct WebAssembly kernels copy no receptive fields', () => {
    const config = preset('convnetjs');
    const stack = config.stack ?? config.layers;
    const wasm = estimateTrainingBytes(stack, config.batchSize, config.optimizer, 'wasm');
    const im2col = estimateTrainingBytes(stack, config.batchSize, config.optimizer, 'ts');
    expect(wasm).toBeLessThan(60e6);
    expect(im2col).toBeGreaterThan(2 * wasm);
    expect(estimateTrainingBytes(stack, config.batchSize, config.optimizer)).toBe(wasm);
  });
});
