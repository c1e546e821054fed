/**
 * `npm run bench [-- --quick] [-- --only ours|tfjs]`: training speed of our engine
 * beside TensorFlow.js on real MNIST, and dense-kernel GFLOP/s, in one run.
 * Prints tables and writes artifacts/bench-node.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadMnistNode } from '../data/node-mnist.ts';
import { formatReport } from './report.ts';
import { parseArgs, runBench } from './run.ts';

const OUTPUT_FILE = 'artifacts/bench-node.json';

/** HEAD's short hash, '+dirty' when files differ from it; undefined outside a git checkout. */
function gitCommit(): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : '');
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log('Loading the MNIST training set…');
  const report = { ...(await runBench(options, loadMnistNode('train'), log)), commit: gitCommit() };
  console.log(`\n${formatReport(report)}`);
  mkdirSync(dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nResults written to ${OUTPUT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
