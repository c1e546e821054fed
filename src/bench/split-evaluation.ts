/**
 * `npm run bench:split-evaluation [-- repeats]`: how long the 10,000-image test evaluation after
 * an epoch takes for CNN (99% fast), in one thread and split with a second thread (the first half
 * here, the second in the thread that computes the second half of each batch), as the training
 * worker runs it: slices of 2,000 images through SlicedEvaluation. The network is trained on
 * 2,560 images first, in both threads, so both have run forward before. The two ways alternate,
 * each result is checked equal to one thread's, and the medians, their ratio and the load average
 * are printed.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { startShardThread } from '../cli/two-threads.ts';
import { SlicedEvaluation, type Evaluation, type OtherHalf } from '../engine/metrics.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { Trainer } from '../engine/train.ts';
import { parseConfig } from '../formats/config-format.ts';
import { shareTestSet } from '../worker/shard-peer.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 7);
  const config = { ...parseConfig(readFileSync(new URL('../presets/cnn-99.json', import.meta.url), 'utf8')), samples: 2560 };
  const train = loadMnistNode('train');
  const test = loadMnistNode('test');
  console.log(`load average at start: ${load()}`);
  const thread = await startShardThread();
  try {
    const rng = createRng(config.seed);
    const network = Network.forConfig(config, rng);
    const peer = thread.open(network, config.batchSize, shareTestSet(test));
    new Trainer(network, config, train, rng, () => performance.now(), peer).runEpoch();
    const evaluate = (otherHalf: OtherHalf | null): [number, Evaluation] => {
      const started = performance.now();
      const evaluation = new SlicedEvaluation(network, test, undefined, otherHalf);
      while (!evaluation.done) evaluation.step(2000);
      return [performance.now() - started, evaluation.result()];
    };
    const one: number[] = [];
    const split: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const [alone, expected] = evaluate(null);
      const [both, result] = evaluate(peer.otherHalf ?? null);
      if (JSON.stringify([result.confusion, [...result.predicted], [...result.confidence]]) !== JSON.stringify([expected.confusion, [...expected.predicted], [...expected.confidence]])) {
        throw new Error('The split evaluation differs from one thread\'s');
      }
      one.push(alone);
      split.push(both);
    }
    console.log(`CNN (99% fast), ${test.count} test images, ${repeats} repeats: one thread median ${median(one).toFixed(0)} ms (${one.map((ms) => ms.toFixed(0)).join(' ')})`);
    console.log(`split in two threads median ${median(split).toFixed(0)} ms (${split.map((ms) => ms.toFixed(0)).join(' ')}); ratio ${(median(one) / median(split)).toFixed(2)}×`);
  } finally {
    thread.close();
  }
  console.log(`load average at end: ${load()}`);
}

await main();
