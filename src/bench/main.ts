/**
 * `npm run bench [-- --quick] [-- --only ours|tfjs]`: training speed of our engine
 * beside TensorFlow.js on real MNIST, and dense-kernel GFLOP/s, in one run.
 * Prints tables and writes artifacts/bench-node.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadMnistNode } from '../data/node-mnist.ts';
import { formatReport } from './report.ts';
import { parseArgs, runBench } from './run.ts';

const OUTPUT_FILE = 'artifacts/bench-node.json';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log('Loading the MNIST training set…');
  const report = await runBench(options, loadMnistNode('train'), log);
  console.log(`\n${formatReport(report)}`);
  mkdirSync(dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nResults written to ${OUTPUT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
