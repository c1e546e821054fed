/**
  * `npm run bench [-- --quick] [--only ours|tfjs|torch|responsiveness|conv] [--case 784-200-10/32 …] [--no-browser]`:
 * training speed of our engine beside TensorFlow.js and native PyTorch (when .venv or
 * python3 has torch) on real MNIST, where our time goes by phase, dense-kernel GFLOP/s
 * (not with --case), and the app's longest main-thread task while it trains, in one run.
 * Prints tables and writes artifacts/bench-node.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { formatReport } from './report.ts';
import { parseArgs, runBench } from './run.ts';
import { errorText } from '../formats/error-text.ts';

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
  if (options.browser && (options.only === undefined || options.only === 'responsiveness')) {
    log('Measuring the app\'s responsiveness while it trains, in headless Chromium…');
    const { measureResponsiveness } = await import('./responsiveness.ts');
    report.responsiveness = await measureResponsiveness(options.quick ? 1 : 3, log);
  }
  console.log(`\n${formatReport(report)}`);
  mkdirSync(dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nResults written to ${OUTPUT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
