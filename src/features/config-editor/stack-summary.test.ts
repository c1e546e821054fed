import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Network } from '../../engine/network';
import { createRng } from '../../engine/rng';
import { parseConfig } from '../../formats/config-format';
import { stackRows } from './stack-summary';

const convnetjs = parseConfig(readFileSync(join(import.meta.dirname, '../../presets/convnetjs.json'), 'utf8'));

describe('stackRows', () => {
  it("lists ConvNetJS's MNIST network with each layer's output shape and parameter count", () => {
    expect(stackRows(convnetjs.stack!)).toEqual([
      { output: '28×28×1', parameters: 0 },
      { output: '28×28×8', parameters: 208 },
      { output: '14×14×8', parameters: 0 },
      { output: '14×14×16', parameters: 3216 },
      { output: '4×4×16', parameters: 0 },
      { output: '10', parameters: 2570 },
    ]);
  });

  it('counts what the built network actually learns', () => {
    const network = Network.forConfig(convnetjs, createRng(1));
    const learned = network.toLayerSpecs().reduce((sum, spec) => sum + ('weights' in spec ? spec.weights.length + spec.biases.length : 0), 0);
    expect(stackRows(convnetjs.stack!).reduce((sum, row) => sum + row.parameters, 0)).toBe(learned);
  });
});
