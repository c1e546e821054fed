/**
 * `npm run bench:barrier [-- --browser] [--unit-ms 1.15] [--unit-kb 64] [--steps 3000] [--rounds 3]`: what
 * two threads can gain on this machine when they meet as often as a split batch does, with nothing of the
 * engine's in the way (barrier-steps.ts): each step is two units of arithmetic, each on twice `unit-kb`
 * of its thread's own memory, in one thread, or one unit in each of two. The unit is sized to `unit-ms`, by default the
 * time of half a CNN (fast) batch here. In Node's worker threads, or with `--browser` in two workers of
 * the bench page in headless Chromium. Alternates the two for `rounds` rounds and prints steps per
 * second, the ratio, the ratio at the median step, and the share of each run lost to steps slower than
 * its median: the machine's stalls, which a split batch meets too (docs/benchmarks.md, "Stalls the
 * machine adds to a split batch").
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import wabt from 'wabt';
import { typeScriptWorker } from '../cli/two-threads.ts';
import { help, lead, oneThread, passesFor, summary, unitOf, unitWat, type StepSummary } from './barrier-steps.ts';
import { benchPageSite, withPageInChromium } from './chromium.ts';
import { median } from './measure.ts';
import type { BrowserBarrierResult } from './browser/protocol.ts';

interface HelperData {
  bytes: Uint8Array<ArrayBuffer>;
  passes: number;
  steps: number;
  control: SharedArrayBuffer;
}

async function compileUnit(kilobytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const parsed = (await wabt()).parseWat('unit.wat', unitWat(kilobytes), { simd: true });
  return new Uint8Array(parsed.toBinary({}).buffer);
}

/** bench:barrier's rounds in this process: this thread and one worker thread. */
async function inNode(bytes: Uint8Array<ArrayBuffer>, unitMs: number, steps: number, rounds: number): Promise<{ passes: number; rounds: { one: StepSummary; two: StepSummary }[] }> {
  const unit = unitOf(bytes);
  const passes = passesFor(unit, unitMs);
  const control = new SharedArrayBuffer(8);
  const results: { one: StepSummary; two: StepSummary }[] = [];
  for (let round = 0; round < rounds; round++) {
    const one = summary(oneThread(unit, passes, steps));
    new Int32Array(control).fill(0);
    const data: HelperData = { bytes, passes, steps, control };
    const helper = typeScriptWorker(new URL(import.meta.url), data);
    await new Promise((resolve, reject) => {
      helper.once('message', resolve);
      helper.once('error', reject);
    });
    const two = summary(lead(unit, new Int32Array(control), passes, steps));
    await helper.terminate();
    results.push({ one, two });
  }
  return { passes, rounds: results };
}

async function inChromium(bytes: Uint8Array<ArrayBuffer>, unitMs: number, steps: number, rounds: number): Promise<BrowserBarrierResult> {
  const site = benchPageSite(4185);
  return await withPageInChromium(site, async (browser, url) => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.benchBarrier !== undefined);
    return await page.evaluate(([code, ms, count, times]) => (window.benchBarrier as NonNullable<Window['benchBarrier']>)(code, ms, count, times), [Array.from(bytes), unitMs, steps, rounds] as const);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { browser: { type: 'boolean' }, 'unit-ms': { type: 'string' }, 'unit-kb': { type: 'string' }, steps: { type: 'string' }, rounds: { type: 'string' } } });
  const unitMs = Number(values['unit-ms'] ?? 1.15);
  const kilobytes = Number(values['unit-kb'] ?? 64);
  const steps = Number(values.steps ?? 3000);
  const rounds = Number(values.rounds ?? 3);
  if (!(unitMs > 0) || !Number.isInteger(kilobytes) || kilobytes < 1 || kilobytes % 16 || !Number.isInteger(steps) || steps < 100 || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error('bench:barrier takes --unit-ms (over 0), --unit-kb (a multiple of 16), --steps (100 or more) and --rounds (1 or more)');
  }
  const bytes = await compileUnit(kilobytes);
  const where = values.browser ? 'two workers of a page in headless Chromium' : "Node's worker threads";
  console.log(`In ${where}, ${steps} steps a run; load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const result = values.browser ? await inChromium(bytes, unitMs, steps, rounds) : await inNode(bytes, unitMs, steps, rounds);
  console.log(`Units of ${result.passes} passes over 2 × ${kilobytes} KB (about ${unitMs} ms)`);
  const ratios = result.rounds.map(({ one, two }, round) => {
    console.log(
      `round ${round + 1}: one thread ${one.rate.toFixed(0)} steps/s (median step ${one.median.toFixed(3)} ms, ${(100 * one.lost).toFixed(1)}% lost to slower steps), ` +
        `two threads ${two.rate.toFixed(0)} (${two.median.toFixed(3)} ms, ${(100 * two.lost).toFixed(1)}% lost): ${(two.rate / one.rate).toFixed(2)}×, ` +
        `at the median step ${(one.median / two.median).toFixed(2)}×`,
    );
    return two.rate / one.rate;
  });
  console.log(`two threads ÷ one, median of ${rounds}: ${median(ratios).toFixed(2)}×; load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
} else {
  const data = workerData as HelperData;
  const unit = unitOf(data.bytes);
  parentPort?.postMessage('ready');
  help(unit, new Int32Array(data.control), data.passes, data.steps);
}
