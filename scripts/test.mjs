// `npm test`: every check, each step preparing what it needs, cheapest failures first; then
// how long each step took and the ten slowest tests, so the next slow test is seen when it lands.
import { spawnSync } from 'node:child_process';
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

const STEPS = [
  ['Python environment', 'bash', ['scripts/setup-python.sh']],
  ['type check', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }],
];

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

function printSummary(stepTimes) {
  console.log('\nnpm test: time per step');
  for (const [name, seconds, ok] of stepTimes) console.log(`  ${ok ? 'ok    ' : 'FAILED'} ${seconds.toFixed(1).padStart(7)} s  ${name}`);
  const total = stepTimes.reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(`  total  ${total.toFixed(1).padStart(7)} s`);
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
let failed = false;
for (const [name, command, args, env = {}] of STEPS) {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  stepTimes.push([name, (performance.now() - start) / 1000, ok]);
  if (!ok) {
    failed = true;
    console.error(`\nnpm test: ${name} failed${result.error ? `: ${result.error.message}` : ''}`);
    break;
  }
}
printSummary(stepTimes);
process.exit(failed ? 1 : 0);
