import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/engine/config';
import { firstSamples } from '../../src/engine/dataset';
import { Network } from '../../src/engine/network';
import { createRng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/train';
import { loadMnistNode } from '../../src/cli/node-mnist';
import { preprocess } from '../../src/data/preprocess';
import { measureAgreement, randomPlacement, renderAsInk, withPenWidth, type InkVariant } from './agreement';
import { PAD_SIZE } from '../../src/features/draw-pad/ink';

const test = loadMnistNode('test');
const imageOf = (i: number) => test.images.subarray(i * 784, (i + 1) * 784);

function inkBox(pad: Uint8Array): { x0: number; y0: number; x1: number; y1: number } {
  let [x0, y0, x1, y1] = [PAD_SIZE, PAD_SIZE, -1, -1];
  pad.forEach((v, i) => {
    if (v === 0) return;
    const [x, y] = [i % PAD_SIZE, Math.floor(i / PAD_SIZE)];
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  });
  return { x0, y0, x1, y1 };
}

describe('MNIST rendered as pad ink', () => {
  it('comes back through the preprocessing close to the original image', () => {
    // Mean absolute pixel difference over [0,1] images; two different test images of the
    // same digit typically differ by 0.1 or more. Measured here: 0.030 grey, 0.023 brush.
    for (const look of ['grey', 'brush'] as const) {
      let total = 0;
      for (let i = 0; i < 100; i++) {
        const image = imageOf(i);
        const back = preprocess({ data: renderAsInk(image, { scale: 10, left: 0, top: 0 }, look), width: PAD_SIZE, height: PAD_SIZE });
        if (!back) throw new Error(`image ${i} left no ink`);
        let diff = 0;
        for (let p = 0; p < 784; p++) diff += Math.abs(back[p] - image[p] / 255);
        total += diff / 784;
      }
      expect(total / 100).toBeLessThan(0.045);
    }
  });

  it('places the ink inside the pad with its longer side in the asked range', () => {
    const rng = createRng(7);
    const variant: InkVariant = { look: 'brush', minSide: 80, maxSide: 260 };
    for (let i = 0; i < 40; i++) {
      const placement = randomPlacement(imageOf(i), variant, rng);
      const { x0, y0, x1, y1 } = inkBox(renderAsInk(imageOf(i), placement, variant.look));
      expect(Math.min(x0, y0)).toBeGreaterThan(0);
      expect(Math.max(x1, y1)).toBeLessThan(PAD_SIZE - 1);
      // Brush ink ends half-way through the edge pixels' ramp: within one MNIST pixel of the nominal side.
      const side = Math.max(x1 - x0, y1 - y0) + 1;
      expect(side).toBeGreaterThan(variant.minSide - placement.scale);
      expect(side).toBeLessThan(variant.maxSide + placement.scale);
    }
  });

  it('redraws ink with a given pen width, thinner or fatter', () => {
    const bar = new Uint8Array(PAD_SIZE * PAD_SIZE);
    for (let y = 40; y < 240; y++) bar.fill(255, y * PAD_SIZE + 129, y * PAD_SIZE + 151);
    const widthAt = (pad: Uint8Array, y: number) => pad.subarray(y * PAD_SIZE, (y + 1) * PAD_SIZE).reduce((sum, v) => sum + v / 255, 0);
    // Within 1.5 px: the width is estimated from the mean depth of the ink, which the bar's ends lower a little.
    for (const width of [10, 30]) expect(Math.abs(widthAt(withPenWidth(bar, width), 140) - width)).toBeLessThan(1.5);
  });

  it('costs a briefly trained network little accuracy', () => {
    const config: Config = {
      layers: [784, 64, 10],
      activations: ['ReLU', 'Softmax'],
      optimizer: 'adam',
      learningRate: 0.002,
      learningRateDecay: 1,
      momentum: 0.9,
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      batchSize: 32,
      epochs: 1,
      l2: 0,
      dropout: 0,
      init: 'he',
      seed: 3,
      samples: 5000,
      validation: 0,
      patience: 0,
      augment: null,
    };
    const rng = createRng(config.seed);
    const network = Network.create(config.layers, config.activations, config.init, rng);
    new Trainer(network, config, loadMnistNode('train'), rng).runEpoch();
    const result = measureAgreement(network, firstSamples(test, 500), { look: 'brush', minSide: 80, maxSide: 260 }, createRng(1));
    expect(result.total).toBe(500);
    expect(result.rawAccuracy).toBeGreaterThan(0.8);
    expect(result.drawnAccuracy).toBeGreaterThan(result.rawAccuracy - 0.05);
    expect(result.agreement).toBeGreaterThan(0.9);
  });
});
