/**
 * The app's responsiveness while it trains: the production build in headless Chromium,
 * the default preset on the whole training set for two epochs, and one epoch of the
 * "CNN (fast)" preset (a convolutional network sends bigger progress reports and feature
 * maps), every main-thread task over 50 ms recorded by a PerformanceObserver. Several runs;
 * the median of their longest tasks is the figure (a busy machine lengthens single tasks,
 * not the median).
 *
 * Part of `npm run bench`; alone: `npm run bench:responsiveness [-- --runs 5]`.
 * This is a measurement, not a test: e2e/responsiveness.spec.ts only checks that the page
 * keeps answering, with no time bounds.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT, withPageInChromium } from './chromium.ts';
import { median } from './measure.ts';

/** Apart from the e2e server's 4173, the browser bench's 4183 and the soak's 4193. */
const SITE = { root: ROOT, outDir: join(ROOT, 'artifacts', 'responsiveness-app'), port: 4203 };
const EPOCHS = 2;
const CNN_PRESET = 'CNN (fast)';
const CNN_EPOCHS = 1;

export interface ResponsivenessRun {
  /** The longest main-thread task, in ms (0 when none passed 50 ms). */
  longestTaskMs: number;
  /** How many tasks passed 50 ms. */
  longTasks: number;
  /** From Train to the run's end, in ms. */
  runMs: number;
}

export interface ResponsivenessResult {
  epochs: number;
  runs: ResponsivenessRun[];
  medianLongestTaskMs: number;
  /** The same with "Use both cores" on (two workers), each run right after its one-worker twin. */
  bothCores?: { runs: ResponsivenessRun[]; medianLongestTaskMs: number; workersNote: string };
  /** CNN_EPOCHS of the CNN_PRESET in one worker, each run right after the default preset's pair. */
  cnn?: { preset: string; epochs: number; runs: ResponsivenessRun[]; medianLongestTaskMs: number };
}

/** Which run: the default preset in one worker or two, or the convolutional preset. */
type RunKind = 'one worker' | 'both cores' | 'cnn';

declare global {
  interface Window {
    __benchLongTasks: number[];
  }
}

async function oneRun(page: Page, url: string, kind: RunKind): Promise<ResponsivenessRun & { note: string }> {
  await page.goto(url);
  if (kind === 'cnn') await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: CNN_PRESET });
  await page.getByLabel('Epochs').fill(String(kind === 'cnn' ? CNN_EPOCHS : EPOCHS));
  await page.getByLabel('Epochs').blur();
  const bothCores = page.getByLabel('Use both cores');
  if (kind === 'both cores') await bothCores.check();
  else if ((await bothCores.count()) > 0 && (await bothCores.isEnabled())) await bothCores.uncheck();
  // Tasks of the page load are not training: only those from Train on count.
  const started = await page.evaluate(() => {
    window.__benchLongTasks = [];
    return performance.now();
  });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => /^(Finished|Stopped)/.test(document.querySelector('.run-status')?.textContent ?? ''), null, {
    polling: 500,
    timeout: 300_000,
  });
  const run = await page.evaluate((from) => {
    const durations = window.__benchLongTasks;
    return {
      longestTaskMs: Math.max(0, ...durations),
      longTasks: durations.length,
      runMs: Math.round(performance.now() - from),
    };
  }, started);
  // What the page says the run used: two workers, or one where the page is not isolated.
  const note = kind === 'both cores' ? ((await page.locator('.both-cores .hint').textContent()) ?? '') : '';
  return { ...run, note };
}

/** `runs` fresh page loads, each training EPOCHS epochs of the default preset, in one worker and then with both cores. */
export async function measureResponsiveness(runs: number, log: (line: string) => void): Promise<ResponsivenessResult> {
  const results = await withPageInChromium(SITE, async (browser, url) => {
    const done: Record<RunKind, ResponsivenessRun[]> & { note: string } = { 'one worker': [], 'both cores': [], cnn: [], note: '' };
    for (let r = 0; r < runs; r++) {
      for (const kind of ['one worker', 'both cores', 'cnn'] as const) {
        // A fresh context per run: each run starts as a first visit, dataset download included.
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.addInitScript(() => {
          window.__benchLongTasks = [];
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
          }).observe({ type: 'longtask', buffered: true });
        });
        const { note, ...run } = await oneRun(page, url, kind);
        done[kind].push(run);
        if (kind === 'both cores') done.note = note;
        const label = kind === 'cnn' ? `${CNN_PRESET}, one worker` : kind;
        log(`responsiveness run ${r + 1}/${runs} (${label}): longest task ${run.longestTaskMs} ms, ${run.longTasks} over 50 ms, run ${(run.runMs / 1000).toFixed(1)} s`);
        await page.close();
      }
    }
    return done;
  });
  const medianOf = (list: ResponsivenessRun[]) => median(list.map((run) => run.longestTaskMs));
  return {
    epochs: EPOCHS,
    runs: results['one worker'],
    medianLongestTaskMs: medianOf(results['one worker']),
    bothCores: { runs: results['both cores'], medianLongestTaskMs: medianOf(results['both cores']), workersNote: results.note },
    cnn: { preset: CNN_PRESET, epochs: CNN_EPOCHS, runs: results.cnn, medianLongestTaskMs: medianOf(results.cnn) },
  };
}

export function formatResponsiveness(result: ResponsivenessResult): string {
  const each = result.runs.map((run) => `${run.longestTaskMs} ms`).join(', ');
  return (
    `Responsiveness (the app in headless Chromium, default preset, ${result.epochs} epochs of 60k, ${result.runs.length} runs): ` +
    `longest main-thread task, median ${result.medianLongestTaskMs} ms (runs: ${each}; 0 = no task over 50 ms)` +
    (result.bothCores
      ? `\nWith "Use both cores" (two workers): median ${result.bothCores.medianLongestTaskMs} ms (runs: ${result.bothCores.runs.map((run) => `${run.longestTaskMs} ms`).join(', ')}); ` +
        `the page said: ${result.bothCores.workersNote}`
      : '') +
    (result.cnn
      ? `\n${result.cnn.preset}, ${result.cnn.epochs} epoch, one worker: median ${result.cnn.medianLongestTaskMs} ms (runs: ${result.cnn.runs.map((run) => `${run.longestTaskMs} ms`).join(', ')})`
      : '')
  );
}
