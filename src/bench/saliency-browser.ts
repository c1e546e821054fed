/**
 * `npm run bench:saliency [-- repeats]`: how long "Show saliency" takes for a drawing on the
 * pad, in the app's training worker in headless Chromium, from ticking the box to the map on
 * screen (the worker's backpropagation, the message both ways and the drawing), for a dense
 * network and a small CNN, each trained for one epoch on 1,000 images first.
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import { errorText } from '../formats/error-text.ts';
import { ROOT, withPageInChromium } from './chromium.ts';

const NETWORKS: { name: string; config: Record<string, unknown> }[] = [
  { name: 'dense 784-128-64-10', config: { layers: [784, 128, 64, 10], activations: ['ReLU', 'ReLU', 'Softmax'] } },
  {
    name: 'CNN conv 8 5×5 same → maxpool 2 → dense 10',
    config: {
      layers: [
        { type: 'input', shape: [28, 28, 1] },
        { type: 'conv2d', filters: 8, kernel_size: 5, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', pool_size: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
    },
  },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function trainAndDraw(page: Page, config: Record<string, unknown>): Promise<void> {
  await page.getByLabel('Config JSON').fill(JSON.stringify({ ...config, optimizer: 'adam', learning_rate: 0.003, batch_size: 16, epochs: 1, samples: 1000, seed: 1, init: 'he' }));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^Finished/ }).waitFor({ timeout: 300_000 });
  await page.getByRole('tab', { name: 'Draw a digit' }).click();
  const pad = page.getByRole('img', { name: 'Drawing pad' });
  await pad.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 12 });
  await page.mouse.up();
  await page.getByLabel('Prediction', { exact: true }).filter({ hasText: /^\d$/ }).waitFor();
}

/** Milliseconds from ticking "Show saliency" to its map drawn on screen. */
function timeSaliency(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const box = [...document.querySelectorAll('label')].find((label) => label.textContent?.trim() === 'Show saliency')?.querySelector('input') as HTMLInputElement;
        if (box.checked) box.click();
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (document.querySelector('canvas[aria-label^="Saliency:"]')) {
            observer.disconnect();
            // The canvas is filled in the effect after it mounts: the next frame shows it.
            requestAnimationFrame(() => resolve(performance.now() - started));
          }
        });
        observer.observe(document.body, { subtree: true, childList: true });
        box.click();
      }),
  );
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 15);
  console.log(`load average at start: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const site = { root: ROOT, outDir: join(ROOT, 'artifacts', 'bench-saliency'), port: 4187 };
  await withPageInChromium(site, async (browser, url) => {
    for (const { name, config } of NETWORKS) {
      const page = await browser.newPage();
      await page.goto(url);
      await trainAndDraw(page, config);
      const times: number[] = [];
      for (let run = 0; run < repeats; run++) times.push(await timeSaliency(page));
      console.log(`${name}: Show saliency to the map on screen, median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}, ${repeats} runs)`);
      await page.close();
    }
  });
  console.log(`load average at end: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
