/**
 * The app's responsiveness while it trains: the production build in headless Chromium,
 * the default preset on the whole training set for two epochs, one epoch of the "CNN (fast)"
 * preset in one worker (a convolutional network sends bigger progress reports and feature
 * maps), and one of "CNN (99% fast)" with "Use both cores" as the page opens (two workers where
 * the page is isolated), every main-thread task over 50 ms recorded by a PerformanceObserver. Several runs;
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
/** The convolutional presets, a line each: in one worker, or with "Use both cores" left as the page opens. */
const CNN_RUNS = [
  { preset: 'CNN (fast)', epochs: 1, cores: 'one worker' },
  { preset: 'CNN (99% fast)', epochs: 1, cores: 'as the page opens' },
] as const;

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
  /** The same with "Use both cores" checked, each run right after its one-worker twin; the page says how many workers trained (the default preset's batches are too small to split). */
  bothCores?: { runs: ResponsivenessRun[]; medianLongestTaskMs: number; workersNote: string };
  /** Each of CNN_RUNS, its runs right after the default preset's pair. */
  presets?: PresetResponsiveness[];
}

export interface PresetResponsiveness {
  preset: string;
  epochs: number;
  cores: (typeof CNN_RUNS)[number]['cores'];
  runs: ResponsivenessRun[];
  medianLongestTaskMs: number;
  /** What the last run's status said of its workers ("Two workers; the second did …"); empty when "Use both cores" was off. */
  workers: string;
}

/** Which run: the default preset in one worker or two, or one of CNN_RUNS. */
type RunKind = 'one worker' | 'both cores' | (typeof CNN_RUNS)[number];

declare global {
  interface Window {
    __benchLongTasks: number[];
  }
}

async function oneRun(page: Page, url: string, kind: RunKind): Promise<ResponsivenessRun & { workers: string }> {
  await page.goto(url);
  if (typeof kind === 'object') await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: kind.preset });
  await page.getByLabel('Epochs').fill(String(typeof kind === 'object' ? kind.epochs : EPOCHS));
  await page.getByLabel('Epochs').blur();
  const bothCores = page.getByLabel('Use both cores');
  // "As the page opens" leaves the box alone: what a visitor gets.
  const asOpened = typeof kind === 'object' && kind.cores === 'as the page opens';
  if (kind === 'both cores') await bothCores.check();
  else if (!asOpened && (await bothCores.count()) > 0 && (await bothCores.isEnabled())) await bothCores.uncheck();
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
  // What the status says the run used: two workers (and how much the second did), or one where the page is not isolated.
  const status = (await page.locator('.run-status').textContent()) ?? '';
  return { ...run, workers: /(Trained in|Two workers).*$/.exec(status)?.[0] ?? '' };
}

/** `runs` fresh page loads, each training EPOCHS epochs of the default preset, in one worker and then with both cores. */
export async function measureResponsiveness(runs: number, log: (line: string) => void): Promise<ResponsivenessResult> {
  const results = await withPageInChromium(SITE, async (browser, url) => {
    const done = { 'one worker': [] as ResponsivenessRun[], 'both cores': [] as ResponsivenessRun[], note: '', presets: CNN_RUNS.map(() => ({ runs: [] as ResponsivenessRun[], workers: '' })) };
    for (let r = 0; r < runs; r++) {
      for (const kind of ['one worker', 'both cores', ...CNN_RUNS] as const) {
        // A fresh context per run: each run starts as a first visit, dataset download included.
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.addInitScript(() => {
          window.__benchLongTasks = [];
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
          }).observe({ type: 'longtask', buffered: true });
        });
        const { workers, ...run } = await oneRun(page, url, kind);
        if (typeof kind === 'object') {
          const preset = done.presets[CNN_RUNS.indexOf(kind)];
          preset.runs.push(run);
          preset.workers = workers;
        } else {
          done[kind].push(run);
          if (kind === 'both cores') done.note = workers;
        }
        const label = typeof kind === 'object' ? `${kind.preset}, ${kind.cores}` : kind;
        log(`responsiveness run ${r + 1}/${runs} (${label}): longest task ${run.longestTaskMs} ms, ${run.longTasks} over 50 ms, run ${(run.runMs / 1000).toFixed(1)} s${workers ? `; ${workers}` : ''}`);
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
    presets: CNN_RUNS.map(({ preset, epochs, cores }, i) => ({ preset, epochs, cores, ...results.presets[i], medianLongestTaskMs: medianOf(results.presets[i].runs) })),
  };
}

export function formatResponsiveness(result: ResponsivenessResult): string {
  const each = result.runs.map((run) => `${run.longestTaskMs} ms`).join(', ');
  return (
    `Responsiveness (the app in headless Chromium, default preset, ${result.epochs} epochs of 60k, ${result.runs.length} runs): ` +
    `longest main-thread task, median ${result.medianLongestTaskMs} ms (runs: ${each}; 0 = no task over 50 ms)` +
    (result.bothCores
      ? `\nWith "Use both cores" checked: median ${result.bothCores.medianLongestTaskMs} ms (runs: ${result.bothCores.runs.map((run) => `${run.longestTaskMs} ms`).join(', ')}); ` +
        `the page said: ${result.bothCores.workersNote}`
      : '') +
    (result.presets ?? []).map(formatPreset).join('')
  );
}

function formatPreset({ preset, epochs, cores, runs, medianLongestTaskMs, workers }: PresetResponsiveness): string {
  const each = runs.map((run) => `${run.longestTaskMs} ms`).join(', ');
  const line = `\n${preset}, ${epochs} epoch${epochs === 1 ? '' : 's'}, ${cores === 'one worker' ? 'one worker' : '"Use both cores" as the page opens'}: median ${medianLongestTaskMs} ms (runs: ${each})`;
  return cores === 'one worker' ? line : `${line}; the page said: ${workers || 'nothing of workers (the box was off)'}`;
}
