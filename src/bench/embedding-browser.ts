/**
 * `npm run bench:embedding-browser [-- runs]`: the embedding map in headless Chromium, on
 * production builds, for the Fast preset and the "CNN (fast)" preset, each trained for
 * EPOCHS epochs of SAMPLES images (a map at each epoch's end, as while the map is on screen).
 *
 * 1. The worker's time per map: on the bench page (the app's worker, started as the bridge
 *    starts it), ms from an epoch's report reaching the page to that epoch's map reaching it.
 * 2. The main thread: the app itself, the same training with the map open ("Inside the
 *    network", its map unfolded, redrawn at each epoch's end) and with the charts' tab open
 *    instead, every task over 50 ms recorded by a PerformanceObserver from Train to the end.
 *    Runs alternate between the two, so the machine's load falls on both alike.
 *
 * On this shared machine the wall time counts other processes' turns: print `uptime` with it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { parseConfig } from '../formats/config-format.ts';
import { errorText } from '../formats/error-text.ts';
import type { BrowserEmbeddingResult } from './browser/protocol.ts';
import { benchPageSite, ROOT, withPageInChromium } from './chromium.ts';
import { median } from './measure.ts';

const EPOCHS = 3;
const SAMPLES = 3000;
const PRESETS = [
  { name: 'Fast', file: 'fast.json' },
  { name: 'CNN (fast)', file: 'cnn-fast.json' },
] as const;

declare global {
  interface Window {
    __benchLongTasks: number[];
  }
}

const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

/** Each epoch's map, timed in the worker, for every preset. */
async function workerTimes(runs: number): Promise<void> {
  const site = benchPageSite(4188);
  await withPageInChromium(site, async (browser, url) => {
    for (const preset of PRESETS) {
      const config = parseConfig(readFileSync(join(ROOT, 'src', 'presets', preset.file), 'utf8'));
      const cold: number[] = [];
      const warm: number[] = [];
      let last: BrowserEmbeddingResult | null = null;
      for (let run = 0; run < runs; run++) {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForFunction(() => window.benchEmbedding !== undefined);
        last = await page.evaluate((c) => (window.benchEmbedding as NonNullable<Window['benchEmbedding']>)(c), { ...config, epochs: EPOCHS, samples: SAMPLES, seed: 1 + run });
        await page.close();
        cold.push(last.updateMs[0]);
        warm.push(...last.updateMs.slice(1));
        console.log(`  ${preset.name}, run ${run + 1}: maps ${last.updateMs.map((ms) => ms.toFixed(0)).join(', ')} ms; PCA iterations ${last.iterations.join('/')}; load ${load()}`);
      }
      console.log(
        `${preset.name} (vectors of ${last?.size} values): worker's time per map, warm median ${median(warm).toFixed(0)} ms (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)}, ${warm.length} maps); ` +
          `cold (a run's first) median ${median(cold).toFixed(0)} ms; ${last?.kernels}`,
      );
    }
  });
}

/** From Train to the run's end in the app with the map or the charts on screen: the longest main-thread task. */
async function trainWatching(page: Page, url: string, preset: string, view: 'map' | 'charts'): Promise<{ longest: number; count: number }> {
  await page.goto(url);
  await page.getByRole('combobox', { name: 'Preset' }).selectOption({ label: preset });
  await page.getByLabel('Epochs').fill(String(EPOCHS));
  await page.getByLabel('Training samples').fill(String(SAMPLES));
  await page.getByLabel('Training samples').blur();
  if (view === 'map') {
    await page.getByRole('tab', { name: 'Inside the network' }).click();
    await page.getByText('Map of the last hidden layer').click();
  } else {
    await page.getByRole('tab', { name: 'Curves and evaluation' }).click();
  }
  await page.evaluate(() => (window.__benchLongTasks = []));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => /^(Finished|Stopped)/.test(document.querySelector('.run-status')?.textContent ?? ''), null, { polling: 500, timeout: 600_000 });
  if (view === 'map') await page.getByText(new RegExp(`after epoch ${EPOCHS}`)).first().waitFor();
  const durations = await page.evaluate(() => window.__benchLongTasks);
  return { longest: Math.max(0, ...durations), count: durations.length };
}

async function mainThread(runs: number): Promise<void> {
  const site = { root: ROOT, outDir: join(ROOT, 'artifacts', 'bench-embedding-app'), port: 4189 };
  await withPageInChromium(site, async (browser, url) => {
    for (const preset of PRESETS) {
      const longest: Record<'map' | 'charts', number[]> = { map: [], charts: [] };
      for (let run = 0; run < runs; run++) {
        for (const view of run % 2 === 0 ? (['map', 'charts'] as const) : (['charts', 'map'] as const)) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
          await page.addInitScript(() => {
            window.__benchLongTasks = [];
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
            }).observe({ type: 'longtask', buffered: true });
          });
          const found = await trainWatching(page, url, preset.name, view);
          await page.close();
          longest[view].push(found.longest);
          console.log(`  ${preset.name}, run ${run + 1}, ${view} on screen: longest task ${found.longest.toFixed(0)} ms, ${found.count} over 50 ms; load ${load()}`);
        }
      }
      const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
      console.log(
        `${preset.name}: longest main-thread task, median of ${runs} runs: map on screen ${median(longest.map).toFixed(0)} ms (${list(longest.map)}), ` +
          `charts on screen ${median(longest.charts).toFixed(0)} ms (${list(longest.charts)}); 0 = no task over 50 ms`,
      );
    }
  });
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  console.log(`load average at start: ${load()}; ${EPOCHS} epochs of ${SAMPLES} images per run`);
  await workerTimes(runs);
  await mainThread(runs);
  console.log(`load average at end: ${load()}`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
