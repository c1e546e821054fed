/**
 * The drawing pad's agreement figure: trains a network with the engine, then compares its
 * accuracy on the raw MNIST test set with its accuracy on the same images rendered as ink
 * on the 280×280 pad and preprocessed like a drawing (see src/features/draw-pad/agreement.ts).
 *
 *   npx tsx scripts/draw-agreement.ts [--epochs 2] [--samples 60000] [--test 10000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import type { Config } from '../src/engine/config.ts';
import { firstSamples } from '../src/engine/dataset.ts';
import { Network } from '../src/engine/network.ts';
import { createRng } from '../src/engine/rng.ts';
import { Trainer } from '../src/engine/train.ts';
import { loadMnistNode } from '../src/cli/node-mnist.ts';
import { measureAgreement, type InkVariant } from './draw-agreement/agreement.ts';
import { configFromJson } from '../src/formats/config-format.ts';
import fastPreset from '../src/presets/fast.json';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    samples: { type: 'string', default: '60000' },
    test: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
  },
});
const seed = Number(values.seed);

// The playground's "Fast" preset, read from the same file the page and the CLI use.
const config: Config = {
  ...configFromJson(fastPreset),
  epochs: Number(values.epochs),
  seed,
  samples: Number(values.samples),
};

const VARIANTS: { name: string; variant: InkVariant }[] = [
  { name: 'grey ink, 200 px, random position', variant: { look: 'grey', minSide: 200, maxSide: 200 } },
  { name: 'brush ink, 200 px, random position', variant: { look: 'brush', minSide: 200, maxSide: 200 } },
  { name: 'brush ink, 80–260 px, random position', variant: { look: 'brush', minSide: 80, maxSide: 260 } },
  { name: 'pad pen (22 px strokes), 80–260 px, random position', variant: { look: 'pen', minSide: 80, maxSide: 260 } },
];

const train = loadMnistNode('train');
const test = firstSamples(loadMnistNode('test'), Number(values.test));

const rng = createRng(seed);
const network = Network.create(config.layers, config.activations, config.init, rng);
const trainer = new Trainer(network, config, train, rng);
console.log(`Training ${config.layers.join('-')} ${config.activations.join('/')} (${config.optimizer}, batch ${config.batchSize}) on ${Math.min(config.samples, train.count)} samples`);
for (let epoch = 1; epoch <= config.epochs; epoch++) {
  const result = trainer.runEpoch();
  console.log(`Epoch ${epoch} (${result.seconds.toFixed(2)}s): training accuracy ${percent(result.accuracy)}`);
}

console.log(`\nTest images: ${test.count}`);
console.log('| rendering | raw test accuracy | drawn accuracy | gap | same class as raw |');
console.log('|---|---|---|---|---|');
for (const { name, variant } of VARIANTS) {
  const result = measureAgreement(network, test, variant, createRng(seed));
  console.log(
    `| ${name} | ${percent(result.rawAccuracy)} | ${percent(result.drawnAccuracy)} | ` +
      `${((result.rawAccuracy - result.drawnAccuracy) * 100).toFixed(2)} pts | ${percent(result.agreement)} |`,
  );
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
