import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../engine/config.ts';
import { parseConfig } from '../formats/config-format.ts';

const dir = import.meta.dirname;
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

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
});
