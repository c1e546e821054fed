import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { parseConfig } from '../formats/config-format.ts';
import { PRESETS } from '../store/presets.ts';

const dir = import.meta.dirname;
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

function expectAnswers(config: Config): void {
  const probabilities = Network.forConfig(config, createRng(config.seed)).predict(new Float32Array(784).fill(0.5));
  expect(probabilities).toHaveLength(10);
  expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
}

describe('preset config files', () => {
  it("seed.json is the seed post's config and means the seed's program", () => {
    expect(JSON.parse(read('seed.json'))).toEqual({
      layers: [784, 200, 10],
      activations: ['Sigmoid', 'Softmax'],
      learning_rate: 0.01,
      momentum: 0.9,
      epochs: 30,
    });
    expect(parseConfig(read('seed.json'))).toEqual(SEED_CONFIG);
  });

  it.each(readdirSync(dir).filter((name) => name.endsWith('.json')))('%s parses', (name) => {
    expect(() => parseConfig(read(name))).not.toThrow();
  });

  // Chosen by measured test accuracy (docs/benchmarks.md), so the form must offer exactly these files.
  it.each([
    ['CNN (99% fast)', 'cnn-99.json'],
    ['CNN (best)', 'cnn-995.json'],
  ])('the form lists %s as %s, and its network builds and answers', (name, file) => {
    const config = parseConfig(read(file));
    expect(PRESETS.find((preset) => preset.name === name)?.config).toEqual(config);
    expectAnswers(config);
  });

  // CLI-only presets, also chosen by measurement: left out of the form to keep the first page's bundle small.
  it.each(['fashion-cnn.json'])('%s builds a network that answers', (file) => {
    expectAnswers(parseConfig(read(file)));
  });
});
