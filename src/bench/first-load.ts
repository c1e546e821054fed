/**
 * `npm run bench:first-load`: how long a new user waits between pressing Train and the run
 * starting. A fresh Chromium profile (off the record, as the e2e tests run, and on disk, as a
 * new user's) opens the production build served by `vite preview` and presses Train; the clock
 * runs from the click until the status first says the run started ("Starting…" or "Training
 * epoch …"), the download of MNIST from the preview server and its
 * unpacking included. The same page then waits until the dataset cache in IndexedDB holds all
 * four files, reloads and presses Train again: the second figure is the start from the cache.
 * `--runs N` repeats both in new profiles (3 by default); prints the medians and the load.
 * `--formats` times instead three ways of keeping the training images in IndexedDB (storageFormats).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { errorText } from '../formats/error-text.ts';
import { chromiumLaunchOptions, ROOT, withPageInChromium } from './chromium.ts';

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

/** One new user's first Train and, after a reload, the Train that reads the cache. */
async function firstAndCached(context: BrowserContext, url: string): Promise<{ first: number; cached: number }> {
  const page = await context.newPage();
  await page.goto(url);
  const first = await secondsToStart(page);
  await waitForCache(page);
  await page.reload();
  const cached = await secondsToStart(page);
  await context.close();
  return { first, cached };
}

/**
 * Milliseconds to keep the training images (47 MB unpacked) in IndexedDB and to read them back,
 * for three ways of keeping them: the Uint8Array itself, a Blob of it, and a Blob of the bytes
 * gzipped again (the preview server, like many, sends the .gz with Content-Encoding, so the page
 * only ever holds the unpacked bytes). `blocked` is the time the calling thread is held up.
 */
function storageFormats(page: Page): Promise<Record<string, { blocked: number; write: number; read: number }>> {
  return page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('data/train-images-idx3-ubyte.gz')).arrayBuffer());
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('first-load-bench', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('values');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const result: Record<string, { blocked: number; write: number; read: number }> = {};
    for (const kind of ['array', 'blob', 'gzip blob']) {
      const started = performance.now();
      let value: Uint8Array | Blob = bytes;
      if (kind === 'blob') value = new Blob([bytes]);
      if (kind === 'gzip blob') value = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))).blob();
      const writing = db.transaction('values', 'readwrite');
      writing.objectStore('values').put(value, kind);
      const blocked = performance.now() - started;
      await new Promise((resolve, reject) => {
        writing.oncomplete = resolve;
        writing.onerror = () => reject(writing.error);
      });
      const write = performance.now() - started;
      const reading = performance.now();
      const request = db.transaction('values').objectStore('values').get(kind);
      const stored = await new Promise<unknown>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      let back = stored instanceof Blob ? new Uint8Array(await stored.arrayBuffer()) : (stored as Uint8Array);
      if (kind === 'gzip blob') back = new Uint8Array(await new Response(new Blob([back as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
      if (back.length !== bytes.length) throw new Error(`${kind}: read back ${back.length} bytes of ${bytes.length}`);
      result[kind] = { blocked, write, read: performance.now() - reading };
    }
    db.close();
    return result;
  });
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg === -1 ? 3 : Number(process.argv[runsArg + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a whole number of at least 1, not ${process.argv[runsArg + 1]}`);
  const loadBefore = loadavg();
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const site = { root: ROOT, outDir: join(OUT_DIR, 'site'), port: 4192 };
  const kinds = ['off the record', 'on disk'] as const;
  if (process.argv.includes('--formats')) {
    await withPageInChromium(site, async (_browser, url) => {
      for (let run = 0; run < runs; run++) {
        const profile = mkdtempSync(join(tmpdir(), 'first-load-'));
        try {
          const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
          const page = await context.newPage();
          await page.goto(url);
          const formats = await storageFormats(page);
          await context.close();
          const line = Object.entries(formats).map(([kind, ms]) => `${kind}: blocked ${ms.blocked.toFixed(0)}, written ${ms.write.toFixed(0)}, read ${ms.read.toFixed(0)}`);
          console.log(`run ${run + 1}, ms on disk: ${line.join('; ')}`);
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      }
    });
    console.log(`load ${load(loadBefore)} → ${load(loadavg())}`);
    return;
  }
  const times = await withPageInChromium(site, async (browser, url) => {
    const times = kinds.map((kind) => ({ kind, first: [] as number[], cached: [] as number[] }));
    for (let run = 0; run < runs; run++) {
      for (const { kind, first, cached } of times) {
        // Off the record, as the e2e tests run, IndexedDB lives in memory; a new user's profile keeps it on disk.
        const profile = kind === 'on disk' ? mkdtempSync(join(tmpdir(), 'first-load-')) : null;
        const context = profile ? await chromium.launchPersistentContext(profile, chromiumLaunchOptions()) : await browser.newContext();
        try {
          const seconds = await firstAndCached(context, url);
          first.push(seconds.first);
          cached.push(seconds.cached);
          process.stderr.write(`run ${run + 1}, ${kind}: ${seconds.first.toFixed(2)} s from the server, ${seconds.cached.toFixed(2)} s from the cache\n`);
        } finally {
          if (profile) rmSync(profile, { recursive: true, force: true });
        }
      }
    }
    return times;
  });
  const seconds = (values: number[]) => `median ${median(values).toFixed(2)} s (${values.map((v) => v.toFixed(2)).join(', ')})`;
  for (const { kind, first, cached } of times) {
    console.log(`Train to the run starting, new profile ${kind}: ${seconds(first)}; after a reload, from the cache: ${seconds(cached)}`);
  }
  console.log(`load ${load(loadBefore)} → ${load(loadavg())}`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
