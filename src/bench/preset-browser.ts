/**
 * `npm run bench:preset -- src/presets/NAME.json`: trains a preset in full in the app's
 * training worker in headless Chromium (the bench page, as the Train button runs it)
 * and prints each epoch's training seconds and test accuracy.
 *
 * `npm run bench:preset -- src/presets/NAME.json --workers [samples] [--rounds N]`: instead,
 * one-epoch runs of `samples` samples (12,000 by default) in one worker and with "Use both cores",
 * alternating, N rounds of each (3 by default) in one window; prints samples/s, their medians and
 * ratio, each round's ratio (its two runs a minute apart at most, where the machine's speed drifts
 * less than across the window) and their median, and the CPU seconds the browser's processes spent
 * on each run (its warm-up batch and test evaluation included, the same work in both), which a
 * machine shared with other jobs does not hide.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Browser } from '@playwright/test';
import type { Config } from '../engine/config.ts';
import { errorText } from '../formats/error-text.ts';
import { parseConfig } from '../formats/config-format.ts';
import { benchPageSite, withPageInChromium } from './chromium.ts';
import { median } from './measure.ts';
import type { BrowserCase, BrowserPresetResult, BrowserResult } from './browser/protocol.ts';

async function main(): Promise<void> {
  const [file, flag, ...rest] = process.argv.slice(2);
  if (!file) throw new Error('Give a preset file: npm run bench:preset -- src/presets/cnn-fast.json');
  const config = parseConfig(readFileSync(file, 'utf8'));
  const site = benchPageSite(4185);
  if (flag === '--workers') {
    const roundsAt = rest.indexOf('--rounds');
    const count = roundsAt === 0 ? undefined : rest[0];
    const samples = count ? Number(count) : 12_000;
    if (!Number.isInteger(samples) || samples < 2 * config.batchSize) throw new Error(`--workers takes a number of samples of at least two batches, got ${count}`);
    const rounds = roundsAt < 0 ? 3 : Number(rest[roundsAt + 1]);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of rounds, 1 or more, got ${rest[roundsAt + 1]}`);
    await withPageInChromium(site, (browser, url) => compareWorkers(browser, url, file, config, samples, rounds));
    return;
  }
  const result = await withPageInChromium(site, async (browser, url): Promise<BrowserPresetResult> => {
    const page = await openBenchPage(browser, url);
    return await page.evaluate((c) => (window.benchPreset as NonNullable<Window['benchPreset']>)(c), config);
  });
  console.log(`${file} in ${result.userAgent} (kernels: ${result.kernels})`);
  let training = 0;
  for (const [e, epoch] of result.epochs.entries()) {
    training += epoch.seconds;
    console.log(`Epoch ${e + 1}: ${epoch.seconds.toFixed(1)} s of training (${training.toFixed(1)} s in all), test accuracy ${(100 * epoch.testAccuracy).toFixed(2)}%`);
  }
  console.log(`Wall clock from Train to finished, test evaluations included: ${result.wallSeconds.toFixed(1)} s`);
}

async function openBenchPage(browser: Browser, url: string) {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`browser: ${message.text()}\n`);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.benchPreset !== undefined && window.benchWorker !== undefined);
  return page;
}

async function compareWorkers(browser: Browser, url: string, file: string, config: Config, samples: number, rounds: number): Promise<void> {
  const page = await openBenchPage(browser, url);
  console.log(`${file}: one-epoch runs of ${samples} samples, one worker and two alternating; load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const cpu: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const workers of [1, 2] as const) {
      const benchCase: BrowserCase = { config, warmupSamples: config.batchSize, samples, repetitions: 1, workers };
      const before = descendantCpuSeconds();
      const result: BrowserResult = await page.evaluate((c) => (window.benchWorker as NonNullable<Window['benchWorker']>)([c]), benchCase);
      const cpuSeconds = descendantCpuSeconds() - before;
      const rate = result.samples[0] / result.seconds[0][0];
      rates[workers].push(rate);
      cpu[workers].push(cpuSeconds);
      const split = result.secondHalves[0];
      console.log(
        `round ${round}, ${workers === 1 ? 'one worker ' : 'two workers'} (the worker says ${result.workers[0]}): ${rate.toFixed(0)} samples/s ` +
          `(${result.seconds[0][0].toFixed(2)} s), ${cpuSeconds.toFixed(2)} CPU s, load ${loadavg()[0].toFixed(2)}` +
          (split ? `; the second worker computed ${split.second} of ${split.total} second halves` : ''),
      );
    }
  }
  const one = median(rates[1]);
  const two = median(rates[2]);
  const ratios = rates[2].map((rate, r) => rate / rates[1][r]);
  console.log(`median samples/s: one worker ${one.toFixed(0)}, two workers ${two.toFixed(0)}: ${(two / one).toFixed(2)}×`);
  console.log(`each round, two ÷ one: ${ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}; median ${median(ratios).toFixed(2)}×`);
  console.log(`median CPU s per run: one worker ${median(cpu[1]).toFixed(2)}, two workers ${median(cpu[2]).toFixed(2)}`);
  console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

/** User and system CPU seconds of this process's descendants (the browser's processes), from /proc. */
function descendantCpuSeconds(): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        // Fields after the command name, which may hold spaces: state ppid … utime (14th field) stime (15th).
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ') ?? [];
        return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return [];
      }
    });
  const ours = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of stats) {
      if (!ours.has(stat.pid) && ours.has(stat.ppid)) {
        ours.add(stat.pid);
        grew = true;
      }
    }
  }
  // Clock ticks are 1/100 s on Linux.
  return stats.reduce((sum, stat) => sum + (stat.pid !== process.pid && ours.has(stat.pid) ? stat.ticks / 100 : 0), 0);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
