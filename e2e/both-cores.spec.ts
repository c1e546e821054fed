import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { TWO_WORKER_CNN } from '../src/testing/two-worker-cnn.ts';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/**
 * Batches of 64 with momentum: the first layer's lazy updates and the shard sum both at work, and
 * enough work in half a batch (784-200-10: 5.1 million multiply-adds) for a second worker to gain.
 */
const RUN = { ...SMALL_RUN, layers: [784, 200, 10], optimizer: 'momentum', learning_rate: 0.05, momentum: 0.9, batch_size: 64, epochs: 1, samples: 2000 };

/** Batches of 15 over 610 samples: a last batch of 10. */
const CNN_RUN = { ...TWO_WORKER_CNN, epochs: 1, samples: 610 };

/** The page as a host without the isolation headers serves it: no SharedArrayBuffer. */
async function serveWithoutIsolation(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
}

/**
 * Trains `run` with "Use both cores" on, in a page of its own, closed after (the browser serves the
 * worker's later tests); the ONNX export's bytes hold every weight.
 */
async function trainOnBothCores(browser: Browser, isolated: boolean, run: Record<string, unknown>): Promise<{ model: Buffer; status: string }> {
  const page = await browser.newPage();
  try {
    return await trainIn(page, isolated, run);
  } finally {
    await page.close();
  }
}

async function trainIn(page: Page, isolated: boolean, run: Record<string, unknown>): Promise<{ model: Buffer; status: string }> {
  if (!isolated) await serveWithoutIsolation(page);
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
  await typeConfigJson(page, run);
  await page.getByLabel('Use both cores').check();
  await trainButton(page).click();
  await waitForRunEnd(page);
  // After the run its status says how many workers trained; the box's tooltip says why.
  await expect(page.getByLabel('Use both cores')).toHaveAttribute('title', isolated ? /^Each batch is split between two workers/ : /^This page is not cross-origin isolated/);
  const status = (await page.getByRole('status').filter({ hasText: /^Finished/ }).textContent()) ?? '';
  await page.getByRole('tab', { name: 'Take it further' }).click();
  const panel = page.getByRole('region', { name: 'Take it further' });
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export model' }).click()]);
  return { model: readFileSync(await download.path()), status };
}

for (const [name, run] of [
  ['a dense network', RUN],
  ['a convolutional network', CNN_RUN],
] as const) {
  test(`two workers train ${name} to the same weights as one; a page without cross-origin isolation trains it in one worker`, async ({ browser }) => {
    // Two page loads, dataset downloads and runs in one test.
    test.slow();
    const two = await trainOnBothCores(browser, true, run);
    const one = await trainOnBothCores(browser, false, run);
    expect(two.status).toMatch(/^Finished .* Two workers; the second did \d{1,3}% of second halves\.$/);
    expect(one.status).toMatch(/ Trained in one worker\.$/);
    const workers = / (Trained in|Two workers).*$/;
    expect(one.status.replace(workers, '')).toBe(two.status.replace(workers, ''));
    expect(one.model.equals(two.model)).toBe(true);
  });
}

test('a network with dropout trains in one worker, and the status says why', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...RUN, dropout: 0.2, samples: 300 });
  await page.getByLabel('Use both cores').check();
  await expect(page.getByText('This network trains in one worker: dropout draws its masks in order from one generator.')).toBeVisible();
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('status').filter({ hasText: /^Finished/ })).toHaveText(/ Trained in one worker\.$/);
});

test('starts checked on a cross-origin isolated page; a network with small batches trains in one worker, and the page says why', async ({ page }) => {
  await page.goto('/');
  const both = page.getByLabel('Use both cores');
  await expect(both).toBeChecked();
  await typeConfigJson(page, { ...RUN, batch_size: 32, samples: 640 });
  await expect(page.getByText('This network trains in one worker: its batches are too small to gain from a second.')).toBeVisible();
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('status').filter({ hasText: /^Finished/ })).toHaveText(/ Trained in one worker\.$/);

  // Unchecked, it stays so, and the status says nothing of workers, only which kernels trained.
  await both.uncheck();
  await trainButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /^Finished/ })).toHaveText(
    /^Finished 1 epoch\. Test accuracy after epoch 1: [\d.]+%\. (Fused multiply-add|WebAssembly SIMD) kernels\.$/,
  );
  await expect(both).not.toBeChecked();
});

test('starts unchecked on a page without cross-origin isolation', async ({ page }) => {
  await serveWithoutIsolation(page);
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.getByLabel('Use both cores')).not.toBeChecked();
  // The dataset may still be downloading through the route as the page closes.
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});
