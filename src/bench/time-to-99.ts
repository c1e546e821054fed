/**
 * `npm run bench:time-to-99 [-- --runs N]`: how long a new user waits for 99.0% test accuracy.
 * A fresh Chromium profile opens the production build served by `vite preview`, picks the preset
 * "CNN (99% fast)" and presses Train; the clock runs from the click (the dataset's download
 * from the preview server included) until the page first shows a test accuracy of 99.0% or
 * more. It does so twice: with "Use both cores" as the page opens, and switched the other way,
 * each in a fresh profile, and says how many workers each run trained in. In the same run PyTorch trains the same network and recipe with the preset's
 * PyTorch export (model.py and train.py, from the playground's initialisation) at 1 and at
 * 2 threads; its time is the training seconds train.py reports up to the first epoch whose
 * test accuracy reaches 99.0%, the faster of the two. Beside each page's time from Train, the
 * page's own training seconds up to that epoch (what it keeps of the run, evaluation excluded):
 * the figure that compares with PyTorch's like for like. Prints a line a run with the load;
 * with several runs (page, page, PyTorch, in turn), then the medians and their ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { exportPytorch } from '../export/pytorch.ts';
import { errorText } from '../formats/error-text.ts';
import { parseConfig } from '../formats/config-format.ts';
import type { Config } from '../engine/config.ts';
import { ROOT, withPageInChromium } from './chromium.ts';
import { describe, seconds, summarise, TARGET_PERCENT, trainingSecondsTo, type KeptEpoch, type PageRun, type BenchRun, type TimeToTarget } from './time-to-99-report.ts';
import { torchPython } from './torch.ts';

const PRESET_NAME = 'CNN (99% fast)';
const PRESET_FILE = join(ROOT, 'src', 'presets', 'cnn-99.json');
const OUT_DIR = join(ROOT, 'artifacts', 'time-to-99');
/** Far beyond any run worth timing; the page is given up on after this. */
const PAGE_TIMEOUT_MS = 15 * 60_000;

/** The epochs of the last run as the page keeps them in IndexedDB (what a reload restores). */
function keptEpochs(page: Page): Promise<KeptEpoch[]> {
  return page.evaluate(
    () =>
      new Promise<KeptEpoch[]>((resolve, reject) => {
        const opened = indexedDB.open('mnist-playground-models');
        opened.onsuccess = () => {
          const db = opened.result;
          if (!db.objectStoreNames.contains('models')) return resolve([]);
          const read = db.transaction('models').objectStore('models').get('latest-view');
          read.onsuccess = () => resolve((read.result as { epochs: { points: KeptEpoch[] } } | undefined)?.epochs.points ?? []);
          read.onerror = () => reject(read.error);
        };
        opened.onerror = () => reject(opened.error);
      }),
  );
}

async function timeOnPage(browser: Browser, url: string, toggleBothCores: boolean): Promise<PageRun> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Preset').selectOption({ label: PRESET_NAME });
  const bothCores = page.getByLabel('Use both cores');
  if (toggleBothCores) await bothCores.setChecked(!(await bothCores.isChecked()));
  const on = await bothCores.isChecked();
  const started = performance.now();
  const trainingStarts = page
    .waitForFunction(() => /^Training epoch/.test(document.querySelector('[role="status"]')?.textContent ?? ''), undefined, { polling: 50, timeout: PAGE_TIMEOUT_MS })
    .then(() => (performance.now() - started) / 1000);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // Every test accuracy the page states: the status after an epoch and the evaluation panel.
  const handle = await page.waitForFunction(
    (target) => {
      const text = document.body.textContent ?? '';
      const found = [...text.matchAll(/(?:Overall accuracy: |Test accuracy after epoch \d+: |test accuracy )(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
      const best = Math.max(0, ...found);
      const ended = /^(Finished|Stopped|The run diverged)/.test(document.querySelector('[role="status"]')?.textContent ?? '');
      return best >= target || ended ? { reached: best >= target, best } : null;
    },
    TARGET_PERCENT,
    { polling: 100, timeout: PAGE_TIMEOUT_MS },
  );
  const seconds = (performance.now() - started) / 1000;
  const trainingFrom = await trainingStarts;
  const { reached, best } = (await handle.jsonValue()) as { reached: boolean; best: number };
  const status = page.getByRole('status').filter({ hasText: /^(Finished|Stopped|The run diverged)/ });
  await status.waitFor({ timeout: PAGE_TIMEOUT_MS });
  const workers = /Trained in (one|two) workers?|Two workers; the second did \d+% of second halves/.exec((await status.textContent()) ?? '')?.[0] ?? 'one worker';
  // The finished run's results are written just after the status says so.
  let training: number | null = null;
  for (let tries = 0; reached && training === null && tries < 50; tries++) {
    training = trainingSecondsTo(await keptEpochs(page), TARGET_PERCENT);
    if (training === null) await page.waitForTimeout(100);
  }
  await context.close();
  return { seconds: reached ? seconds : null, best, elapsed: seconds, bothCores: on, workers, trainingFrom, training };
}

/** The preset exported for PyTorch, untrained: train.py --from-scratch starts from the playground's initialisation for its seed. */
function writeTorchExport(config: Config): string {
  const folder = join(OUT_DIR, 'pytorch');
  mkdirSync(folder, { recursive: true });
  const layers = Network.forConfig(config, createRng(config.seed)).toLayerSpecs();
  for (const file of exportPytorch({ config, layers })) writeFileSync(join(folder, file.name), file.bytes);
  return folder;
}

/**
 * Linux shares the CPU between sessions first (autogroups), and Playwright starts Chromium in
 * a session of its own: PyTorch gets one too, or it would share this process's group with
 * whatever else this terminal runs.
 */
const SETSID = '/usr/bin/setsid';

/** Runs train.py at `threads` threads and reads its epochs: "Epoch N (S s): …, test accuracy A%". */
function timeInTorch(python: string, folder: string, threads: number): TimeToTarget {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const command = [python, join(folder, 'train.py'), '--data', join(ROOT, 'public', 'data'), '--from-scratch', '--out', join(folder, 'trained')];
  const [file, ...args] = existsSync(SETSID) ? [SETSID, '--wait', ...command] : command;
  const output = execFileSync(file, args, {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let training = 0;
  let best = 0;
  for (const [, seconds, accuracy] of output.matchAll(/^Epoch \d+ \(([\d.]+)s\):.*test accuracy ([\d.]+)%/gm)) {
    training += Number(seconds);
    best = Math.max(best, Number(accuracy));
    if (Number(accuracy) >= TARGET_PERCENT) return { seconds: training, best, elapsed: training };
  }
  return { seconds: null, best, elapsed: training };
}

function timeTorch(python: string, folder: string): NonNullable<BenchRun['torch']> {
  const runs = [1, 2].map((threads) => {
    process.stderr.write(`Training the same recipe in PyTorch on ${threads} thread${threads === 1 ? '' : 's'}…\n`);
    return { threads, result: timeInTorch(python, folder, threads) };
  });
  const timed = runs.filter((run) => run.result.seconds !== null).sort((a, b) => (a.result.seconds as number) - (b.result.seconds as number));
  const { threads, result } = timed[0] ?? runs[0];
  const line = `PyTorch ${describe(result)} on ${threads} thread${threads === 1 ? '' : 's'} (${runs.map((run) => `${run.threads}: ${describe(run.result)}`).join(', ')})`;
  return { threads, result, line };
}

function describePage(page: PageRun, i: number): string {
  const how = `${i === 0 ? 'as it opens' : 'switched'}: "Use both cores" ${page.bothCores ? 'on' : 'off'}, ${page.workers.toLowerCase().replace('trained in ', '')}`;
  return `page ${describe(page)} from Train, of it ${seconds(page.training)} training, training from ${page.trainingFrom.toFixed(1)} s (${how}); `;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const count = Number(values.runs ?? 1);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--runs takes a whole number of 1 or more, got ${values.runs}`);
  const config = parseConfig(readFileSync(PRESET_FILE, 'utf8'));
  const python = torchPython();
  const folder = python ? writeTorchExport(config) : null;
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const site = { root: ROOT, outDir: join(OUT_DIR, 'site'), port: 4191 };
  const runs = await withPageInChromium(site, async (browser, url) => {
    const done: BenchRun[] = [];
    for (let r = 0; r < count; r++) {
      const loadBefore = loadavg();
      process.stderr.write(`Training "${PRESET_NAME}" in a fresh Chromium profile…\n`);
      const pages = [await timeOnPage(browser, url, false), await timeOnPage(browser, url, true)];
      const torch = python && folder ? timeTorch(python, folder) : null;
      done.push({ pages, torch });
      console.log(
        `time to ${TARGET_PERCENT.toFixed(1)}% test accuracy, ${PRESET_NAME}${count > 1 ? `, run ${r + 1}` : ''}: ` +
          pages.map(describePage).join('') +
          `${torch ? torch.line : 'PyTorch not found (.venv or python3 with torch)'}, training only; ` +
          `load ${load(loadBefore)} → ${load(loadavg())}`,
      );
    }
    return done;
  });
  if (count > 1) console.log(summarise(runs));
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
