/**
 * Where our training time goes: a profiling copy of Trainer's batch loop (no dropout,
 * no augmentation, as the bench cases) with a clock read between its phases. The
 * engine itself carries no timers; this loop calls the same layer, loss and optimizer
 * methods in the same order, so its total is checked against the Trainer's time.
 */
import { ACTIVATION_FUNCTIONS } from '../engine/activations.ts';
import { SEED_CONFIG, type Config } from '../engine/config.ts';
import { copyImage, type Dataset } from '../engine/dataset.ts';
import type { Kernels } from '../engine/kernels.ts';
import { LOSS_FUNCTIONS, squaredError } from '../engine/losses.ts';
import { argmax } from '../engine/metrics.ts';
import { Dense } from '../engine/dense.ts';
import { Network } from '../engine/network.ts';
import { createOptimizer } from '../engine/optimizers.ts';
import { createRng, shuffle } from '../engine/rng.ts';
import { LEARNING_RATE, MOMENTUM, type TrainingCase } from './cases.ts';

export const PHASES = [
  'data preparation',
  'first layer forward',
  'first layer backward',
  'hidden/output forward',
  'hidden/output backward',
  'activations',
  'loss',
  'optimizer',
] as const;
export type Phase = (typeof PHASES)[number];

export interface Profile {
  /** Seconds per 60k-sample epoch spent in each phase. */
  secondsPerEpoch: Record<Phase, number>;
  /** Their sum. */
  totalPerEpoch: number;
  samples: number;
}

/**
 * Trains `samples` samples (after `warmupSamples` untimed ones) of `trainingCase` on
 * MNIST with our engine, timing each phase of every batch; each layer's forward is
 * called as its two halves, weightedSum then activate. With `optimizerKernels` false,
 * the optimizer takes its TypeScript path even where the weights live in WebAssembly memory.
 */
export function profileTraining(data: Dataset, trainingCase: TrainingCase, kernels: Kernels, samples: number, warmupSamples: number, optimizerKernels = true): Profile {
  const { layers: sizes, activations, batchSize } = trainingCase;
  const config: Config = { ...SEED_CONFIG, layers: sizes, activations, optimizer: 'momentum', learningRate: LEARNING_RATE, momentum: MOMENTUM, batchSize, samples: data.count, seed: 1 };
  const rng = createRng(1);
  const network = Network.create(sizes, activations, config.init, rng, kernels);
  // Without the arena, the optimizer runs its TypeScript loops on the same arrays: the engine before its optimizer kernels.
  const groups = network.paramGroups(0).map((group) => (optimizerKernels ? group : { ...group, arena: undefined }));
  const optimizer = createOptimizer(config.optimizer, groups, config, optimizerKernels ? kernels : 'ts');
  const layers = network.layers.map((layer) => {
    if (!(layer instanceof Dense)) throw new Error('The profile times dense networks only');
    return layer;
  });
  const top = layers[layers.length - 1];
  const lossFunction = LOSS_FUNCTIONS[network.loss];
  const times = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
  let clock = 0;
  const lap = (phase: Phase) => {
    const now = performance.now();
    times[phase] += now - clock;
    clock = now;
  };
  // The lazy momentum's catch-up runs inside the first layer's forward: charge it to the optimizer.
  layers[0].beforeRead = () => {
    lap('first layer forward');
    optimizer.catchUp();
    lap('optimizer');
  };
  const inputs = new Float32Array(batchSize * network.inputSize);
  const targets = new Float32Array(batchSize * network.outputSize);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  shuffle(order, rng);
  let position = 0;
  let correct = 0;
  let lossSum = 0;

  const batch = () => {
    const rows = batchSize;
    if (position + rows > data.count) position = 0;
    clock = performance.now();
    targets.fill(0);
    for (let r = 0; r < rows; r++) {
      const sample = order[position + r];
      copyImage(data, sample, inputs, r * data.inputSize);
      targets[r * top.outputs + data.labels[sample]] = 1;
    }
    lap('data preparation');
    let x: Float32Array = inputs;
    for (let l = 0; l < layers.length; l++) {
      layers[l].weightedSum(x, rows);
      lap(l === 0 ? 'first layer forward' : 'hidden/output forward');
      layers[l].activate(rows);
      lap('activations');
      x = layers[l].output;
    }
    for (let r = 0; r < rows; r++) if (argmax(top.output, r * top.outputs, top.outputs) === data.labels[order[position + r]]) correct++;
    squaredError(top.output, targets, rows * top.outputs);
    lossFunction.outputDelta(top.output, targets, top.delta, rows, top.outputs, ACTIVATION_FUNCTIONS[top.activation]);
    lossSum += lossFunction.sum(top.output, targets, rows, top.outputs);
    lap('loss');
    for (let l = layers.length - 1; l >= 1; l--) {
      const below = layers[l - 1];
      layers[l].backward(below.output, rows, below.delta);
      lap('hidden/output backward');
      ACTIVATION_FUNCTIONS[below.activation].backward(below.output, below.delta, rows * below.outputs, below.outputs);
      lap('activations');
    }
    layers[0].backward(inputs, rows, null);
    lap('first layer backward');
    optimizer.step();
    lap('optimizer');
    position += rows;
  };

  for (let done = 0; done < warmupSamples; done += batchSize) batch();
  for (const phase of PHASES) times[phase] = 0;
  for (let done = 0; done < samples; done += batchSize) batch();
  optimizer.flush();
  if (!Number.isFinite(lossSum) || correct === 0) throw new Error('The profiled training did not learn: the profile loop is broken');
  const perEpoch = (ms: number) => (ms / 1000) * (60_000 / samples);
  const secondsPerEpoch = Object.fromEntries(PHASES.map((phase) => [phase, perEpoch(times[phase])])) as Record<Phase, number>;
  return { secondsPerEpoch, totalPerEpoch: PHASES.reduce((sum, phase) => sum + secondsPerEpoch[phase], 0), samples };
}
