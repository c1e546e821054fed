/**
 * The app's responsiveness while it trains: the production build in headless Chromium,
 * the default preset on the whole training set for two epochs, every main-thread task
 * over 50 ms recorded by a PerformanceObserver. Several runs; the median of their
 * longest tasks is the figure (a busy machine lengthens single tasks, not the median).
 *
 * Part of `npm run bench`; alone: `npm run bench:responsiveness [-- --runs 5]`.
 * This is a measurement, not a test: e2e/responsiveness.spec.ts only checks that the page
 * keeps answering, with bounds a loaded CI machine cannot break.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT, withPageInChromium } from './chromium.ts';
import { median } from './measure.ts';

/** Apart from the e2e server's 4173, the browser bench's 4183 and the soak's 4193. */
const SITE = { root: ROOT, outDir: join(ROOT, 'artifacts', 'responsiveness-app'), port: 4203 };
const EPOCHS = 2;

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
}

declare global {
  interface Window {
    __benchLongTasks: number[];
  }
}

async function oneRun(page: Page, url: string): Promise<ResponsivenessRun> {
  await page.goto(url);
  await page.getByLabel('Epochs').fill(String(EPOCHS));
  await page.getByLabel('Epochs').blur();
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
  return page.evaluate((from) => {
    const durations = window.__benchLongTasks;
    return {
      longestTaskMs: Math.max(0, ...durations),
      longTasks: durations.length,
      runMs: Math.round(performance.now() - from),
    };
  }, started);
}

/** `runs` fresh page loads, each training EPOCHS epochs of the default preset. */
export async function measureResponsiveness(runs: number, log: (line: string) => void): Promise<ResponsivenessResult> {
  const results = await withPageInChromium(SITE, async (browser, url) => {
    const done: ResponsivenessRun[] = [];
    for (let r = 0; r < runs; r++) {
      // A fresh context per run: each run starts as a first visit, dataset download included.
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.addInitScript(() => {
        window.__benchLongTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      const run = await oneRun(page, url);
      done.push(run);
      log(`responsiveness run ${r + 1}/${runs}: longest task ${run.longestTaskMs} ms, ${run.longTasks} over 50 ms, run ${(run.runMs / 1000).toFixed(1)} s`);
      await page.close();
    }
    return done;
  });
  return { epochs: EPOCHS, runs: results, medianLongestTaskMs: median(results.map((run) => run.longestTaskMs)) };
}

export function formatResponsiveness(result: ResponsivenessResult): string {
  const each = result.runs.map((run) => `${run.longestTaskMs} ms`).join(', ');
  return (
    `Responsiveness (the app in headless Chromium, default preset, ${result.epochs} epochs of 60k, ${result.runs.length} runs): ` +
    `longest main-thread task, median ${result.medianLongestTaskMs} ms (runs: ${each}; 0 = no task over 50 ms)`
  );
}
