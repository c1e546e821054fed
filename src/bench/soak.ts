/**
 * Soak benchmark: a 200-epoch run of a small network in the real app (production build,
 * headless Chromium), with the page's heap measured after a forced garbage collection as
 * the run goes. A tab that stays light holds about as much at epoch 200 as at epoch 10:
 * chart series are decimated and the runs history keeps one small row per epoch.
 *
 *   npm run bench:soak [-- --epochs 200]
 *
 * Prints a table and writes artifacts/soak.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from '@playwright/test';
import { ROOT, withPageInChromium } from './chromium.ts';

/** Apart from the e2e server's 4173 and the browser bench's 4183; eager memory measurement answers at once instead of at the next natural GC. */
const SITE = { root: ROOT, outDir: join(ROOT, 'artifacts', 'soak-app'), port: 4193, extraFlags: ['--enable-blink-features=ForceEagerMeasureMemory'] };

interface Sample {
  epoch: number;
  seconds: number;
  /** The page's (main thread's) JS heap after a full GC, from the DevTools protocol. */
  pageHeapBytes: number;
  /** Page and training worker together, from performance.measureUserAgentSpecificMemory. */
  allBytes: number | null;
}

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '200' }, every: { type: 'string', default: '20' } } });
const EPOCHS = Number(values.epochs);
const EVERY = Number(values.every);

const CONFIG = {
  layers: [784, 32, 10],
  activations: ['ReLU', 'Softmax'],
  optimizer: 'adam',
  learning_rate: 0.003,
  batch_size: 16,
  epochs: EPOCHS,
  samples: 500,
  seed: 7,
  init: 'he',
};

async function epochsDone(page: Page): Promise<number> {
  const cell = page.getByRole('table', { name: 'Runs' }).getByRole('cell', { name: new RegExp(`^\\d+ of ${EPOCHS}$`) });
  if ((await cell.count()) === 0) return 0;
  return Number(/^(\d+)/.exec((await cell.first().textContent()) ?? '')?.[1] ?? 0);
}

async function measure(page: Page, cdp: CDPSession): Promise<Omit<Sample, 'epoch' | 'seconds'>> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const allBytes = await page.evaluate(async () => {
    const measureMemory = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    return measureMemory ? (await measureMemory.call(performance)).bytes : null;
  });
  return { pageHeapBytes: usedSize, allBytes };
}

const mb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1e6).toFixed(1)} MB`);

async function main(): Promise<void> {
  const samples: Sample[] = [];
  await withPageInChromium(SITE, async (browser, url) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url);
    const cdp = await page.context().newCDPSession(page);
    await page.getByLabel('Config JSON').fill(JSON.stringify(CONFIG));
    const started = Date.now();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const marks = [1, ...Array.from({ length: Math.floor(EPOCHS / EVERY) }, (_, k) => (k + 1) * EVERY)];
    for (const mark of marks) {
      while ((await epochsDone(page)) < mark) await page.waitForTimeout(250);
      const epoch = await epochsDone(page);
      const sample = { epoch, seconds: (Date.now() - started) / 1000, ...(await measure(page, cdp)) };
      samples.push(sample);
      console.log(`epoch ${String(sample.epoch).padStart(4)}  ${sample.seconds.toFixed(0).padStart(5)} s  page heap ${mb(sample.pageHeapBytes).padStart(9)}  page+worker ${mb(sample.allBytes).padStart(9)}`);
    }
  });
  const first = samples[0];
  const last = samples[samples.length - 1];
  console.log(`\nPage heap: ${mb(first.pageHeapBytes)} at epoch ${first.epoch}, ${mb(last.pageHeapBytes)} at epoch ${last.epoch}`);
  console.log(`Page + worker: ${mb(first.allBytes)} at epoch ${first.epoch}, ${mb(last.allBytes)} at epoch ${last.epoch}`);
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts', 'soak.json'), JSON.stringify({ config: CONFIG, samples }, null, 2));
}

await main();
