/**
 * `npm run bench:time-to-99`: how long a new user waits for 99.0% test accuracy. A fresh
 * Chromium profile opens the production build served by `vite preview`, picks the preset
 * "CNN (99% fast)" and presses Train; the clock runs from the click (the dataset's download
 * from the preview server included) until the page first shows a test accuracy of 99.0% or
 * more. It does so twice: with "Use both cores" as the page opens, and switched the other way,
 * each in a fresh profile, and says how many workers each run trained in. In the same run PyTorch trains the same network and recipe with the preset's
 * PyTorch export (model.py and train.py, from the playground's initialisation) at 1 and at
 * 2 threads; its time is the training seconds train.py reports up to the first epoch whose
 * test accuracy reaches 99.0%, the faster of the two. Prints one line with both and the load, and when each page run began training.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { exportPytorch } from '../export/pytorch.ts';
import { errorText } from '../formats/error-text.ts';
import { parseConfig } from '../formats/config-format.ts';
import type { Config } from '../engine/config.ts';
import { ROOT, withPageInChromium } from './chromium.ts';
import { torchPython } from './torch.ts';

const PRESET_NAME = 'CNN (99% fast)';
const PRESET_FILE = join(ROOT, 'src', 'presets', 'cnn-99.json');
const TARGET_PERCENT = 99.0;
const OUT_DIR = join(ROOT, 'artifacts', 'time-to-99');
/** Far beyond any run worth timing; the page is given up on after this. */
const PAGE_TIMEOUT_MS = 15 * 60_000;

/** Seconds to the target, or null when the run ended below it; `best` is the highest accuracy seen, in percent; `elapsed`, the seconds timed. */
interface TimeToTarget {
  seconds: number | null;
  best: number;
  elapsed: number;
}

/** A page run: also whether "Use both cores" was on and what the finished run's status said of its workers. */
interface PageRun extends TimeToTarget {
  bothCores: boolean;
  workers: string;
  /** Seconds from the click until the status first says an epoch is training (the data loaded, the run built). */
  trainingFrom: number;
}

async function timeOnPage(toggleBothCores: boolean): Promise<PageRun> {
  const site = { root: ROOT, outDir: join(OUT_DIR, 'site'), port: 4191 };
  return withPageInChromium(site, async (browser, url) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('Preset').selectOption({ label: PRESET_NAME });
    const bothCores = page.getByLabel('Use both cores');
    if (toggleBothCores) await bothCores.setChecked(!(await bothCores.isChecked()));
    const on = await bothCores.isChecked();
    const started = performance.now();
    const training = page
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
    const trainingFrom = await training;
    const { reached, best } = (await handle.jsonValue()) as { reached: boolean; best: number };
    const status = page.getByRole('status').filter({ hasText: /^(Finished|Stopped|The run diverged)/ });
    await status.waitFor({ timeout: PAGE_TIMEOUT_MS });
    const workers = /Trained in (one|two) workers?|Two workers; the second did \d+% of second halves/.exec((await status.textContent()) ?? '')?.[0] ?? 'one worker';
    await context.close();
    return { seconds: reached ? seconds : null, best, elapsed: seconds, bothCores: on, workers, trainingFrom };
  });
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

function describe({ seconds, best, elapsed }: TimeToTarget): string {
  return seconds === null ? `not reached in ${elapsed.toFixed(1)} s (best ${best.toFixed(2)}%)` : `${seconds.toFixed(1)} s (${best.toFixed(2)}%)`;
}

async function main(): Promise<void> {
  const config = parseConfig(readFileSync(PRESET_FILE, 'utf8'));
  const loadBefore = loadavg();
  process.stderr.write(`Training "${PRESET_NAME}" in a fresh Chromium profile…\n`);
  const pages = [await timeOnPage(false), await timeOnPage(true)];
  const python = torchPython();
  let torch = 'PyTorch not found (.venv or python3 with torch)';
  if (python) {
    const folder = writeTorchExport(config);
    const runs = [1, 2].map((threads) => {
      process.stderr.write(`Training the same recipe in PyTorch on ${threads} thread${threads === 1 ? '' : 's'}…\n`);
      return { threads, result: timeInTorch(python, folder, threads) };
    });
    const timed = runs.filter((run) => run.result.seconds !== null).sort((a, b) => (a.result.seconds as number) - (b.result.seconds as number));
    const fastest = timed[0] ?? runs[0];
    torch = `PyTorch ${describe(fastest.result)} on ${fastest.threads} thread${fastest.threads === 1 ? '' : 's'} (${runs.map((run) => `${run.threads}: ${describe(run.result)}`).join(', ')})`;
  }
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  console.log(
    `time to ${TARGET_PERCENT.toFixed(1)}% test accuracy, ${PRESET_NAME}: ` +
      pages
        .map(
          (page, i) =>
            `page ${describe(page)} from Train, training from ${page.trainingFrom.toFixed(1)} s (${i === 0 ? 'as it opens' : 'switched'}: "Use both cores" ${page.bothCores ? 'on' : 'off'}, ${page.workers.toLowerCase().replace('trained in ', '')}); `,
        )
        .join('') +
      `${torch}, training only; ` +
      `load ${load(loadBefore)} → ${load(loadavg())}`,
  );
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
