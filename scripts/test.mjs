// `npm test`: every check, each step preparing what it needs, cheapest failures first; then
// how long each step took and the ten slowest tests, so the next slow test is seen when it lands.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const times = join(root, 'artifacts', 'test-times');
const vitestJson = join(times, 'vitest.json');
const playwrightJson = join(times, 'playwright.json');

/**
 * What only root can install is checked first, so a missing one costs a line, not a run: each
 * entry is [what is missing, how to get it] when it is missing.
 */
async function missingPrerequisites() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) {
    const { chromium } = await import('@playwright/test');
    if (!existsSync(chromium.executablePath())) missing.push(['a Chromium for the browser tests', 'apt-get install chromium']);
  }
  if (!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) {
    missing.push(["Fashion-MNIST for the own-dataset tests", 'apt-get install dataset-fashion-mnist']);
  }
  return missing;
}

const step = (name, command, args, env = {}) => ({ name, command, args, env });

/**
 * Stages run one after another; the lanes of a stage run side by side, each lane's steps in
 * order. Making .venv mostly waits on unpacking wheels, so it overlaps the type check and lint.
 */
const STAGES = [
  [[step('Python environment', 'bash', ['scripts/setup-python.sh'])], [step('type check', 'npm', ['run', '--silent', 'typecheck']), step('lint', 'npm', ['run', '--silent', 'lint'])]],
  [[step('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])]],
  [[step('build', 'npm', ['run', '--silent', 'build'])]],
  [[step('browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson })]],
];

/** Runs one step; its output goes straight through, or is kept (`piped`) to be printed whole once its lane is done. */
function run({ name, command, args, env }, piped) {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: piped ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
    let output = '';
    if (piped) for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
    const end = (ok, error = '') => resolve({ name, seconds: (performance.now() - start) / 1000, ok, output: output + error });
    child.on('error', (error) => end(false, `${error.message}\n`));
    child.on('close', (code) => end(code === 0));
  });
}

async function runLane(steps, piped) {
  const results = [];
  for (const each of steps) {
    const result = await run(each, piped);
    results.push(result);
    if (!result.ok) break;
  }
  return results;
}

/** [seconds, where, name] of every test in a Vitest JSON report. */
function vitestTimes(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return report.testResults.flatMap((result) =>
    result.assertionResults.map((test) => [(test.duration ?? 0) / 1000, result.name.slice(root.length + 1), test.fullName ?? test.title]),
  );
}

/** [seconds, where, name] of every test in a Playwright JSON report (its last try). */
function playwrightTimes(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const rows = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        const last = test.results.at(-1);
        if (last) rows.push([last.duration / 1000, `e2e/${spec.file}`, [...titles, spec.title].join(' › ')]);
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.title === child.file ? titles : [...titles, child.title]);
  };
  for (const suite of report.suites) walk(suite, []);
  return rows;
}

function printSummary(stepTimes, wallSeconds) {
  console.log('\nnpm test: time per step');
  for (const [name, seconds, ok] of stepTimes) console.log(`  ${ok ? 'ok    ' : 'FAILED'} ${seconds.toFixed(1).padStart(7)} s  ${name}`);
  console.log(`  wall   ${wallSeconds.toFixed(1).padStart(7)} s (the Python environment overlaps the type check and lint)`);
  const rows = [
    ...(existsSync(vitestJson) ? vitestTimes(vitestJson) : []),
    ...(existsSync(playwrightJson) ? playwrightTimes(playwrightJson) : []),
  ].sort((a, b) => b[0] - a[0]);
  if (rows.length === 0) return;
  console.log('\nThe 10 slowest tests');
  for (const [seconds, where, name] of rows.slice(0, 10)) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${where} › ${name}`);
}

const missing = await missingPrerequisites();
if (missing.length > 0) {
  for (const [what, how] of missing) console.error(`npm test: missing ${what}: as root, ${how} (.ci/run does this)`);
  process.exit(1);
}
rmSync(times, { recursive: true, force: true });
mkdirSync(times, { recursive: true });
const stepTimes = [];
const started = performance.now();
let failed = false;
for (const stage of STAGES) {
  const piped = stage.length > 1;
  const results = (await Promise.all(stage.map((lane) => runLane(lane, piped)))).flat();
  for (const result of results) {
    if (piped) process.stdout.write(`\n── ${result.name}\n${result.output}`);
    stepTimes.push([result.name, result.seconds, result.ok]);
  }
  const broken = results.find((result) => !result.ok);
  if (broken) {
    failed = true;
    console.error(`\nnpm test: ${broken.name} failed`);
    break;
  }
}
printSummary(stepTimes, (performance.now() - started) / 1000);
process.exit(failed ? 1 : 0);
