/**
 * `npm run bench:first-load`: how long a new user waits between pressing Train and the run
 * starting. A fresh Chromium context opens the production build served by `vite preview` and
 * presses Train; the clock runs from the click until the status first says the run started
 * ("Starting…" or "Training epoch …"), the download of MNIST from the preview server and its
 * unpacking included. The same page then waits until the dataset cache in IndexedDB holds all
 * four files, reloads and presses Train again: the second figure is the start from the cache.
 * `--runs N` repeats both in a new context each time (3 by default); prints the medians and the load.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { errorText } from '../formats/error-text.ts';
import { ROOT, withPageInChromium } from './chromium.ts';

const OUT_DIR = join(ROOT, 'artifacts', 'first-load');
const TIMEOUT_MS = 5 * 60_000;
const CACHED_FILES = 4;

/** Seconds from a click on Train until the status says the run started. */
async function secondsToStart(page: Page): Promise<number> {
  const started = performance.now();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => /^(Starting…|Training epoch)/.test(document.querySelector('[role="status"]')?.textContent ?? ''), null, {
    polling: 20,
    timeout: TIMEOUT_MS,
  });
  return (performance.now() - started) / 1000;
}

/** Resolves once the dataset cache holds every MNIST file (it may be written while the run goes on). */
async function waitForCache(page: Page): Promise<void> {
  await page.waitForFunction(
    (count) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('mnist-playground-data');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('idx-files')) return resolve(false);
          const keys = db.transaction('idx-files').objectStore('idx-files').count();
          keys.onsuccess = () => resolve(keys.result >= count);
          keys.onerror = () => resolve(false);
          db.close();
        };
      }),
    CACHED_FILES,
    { polling: 200, timeout: TIMEOUT_MS },
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg === -1 ? 3 : Number(process.argv[runsArg + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a whole number of at least 1, not ${process.argv[runsArg + 1]}`);
  const loadBefore = loadavg();
  const site = { root: ROOT, outDir: join(OUT_DIR, 'site'), port: 4192 };
  const { first, cached } = await withPageInChromium(site, async (browser, url) => {
    const first: number[] = [];
    const cached: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      first.push(await secondsToStart(page));
      await waitForCache(page);
      await page.reload();
      cached.push(await secondsToStart(page));
      await context.close();
      process.stderr.write(`run ${run + 1}: ${first.at(-1)!.toFixed(2)} s from the server, ${cached.at(-1)!.toFixed(2)} s from the cache\n`);
    }
    return { first, cached };
  });
  const seconds = (values: number[]) => `median ${median(values).toFixed(2)} s (${values.map((v) => v.toFixed(2)).join(', ')})`;
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  console.log(
    `Train to the run starting, fresh profile: ${seconds(first)}; after a reload, from the cache: ${seconds(cached)}; ` +
      `load ${load(loadBefore)} → ${load(loadavg())}`,
  );
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
