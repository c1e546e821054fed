import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/** Batches of 32 with momentum: the first layer's lazy updates and the shard sum both at work. */
const RUN = { ...SMALL_RUN, optimizer: 'momentum', learning_rate: 0.05, momentum: 0.9, batch_size: 32, epochs: 1, samples: 2000 };

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

/** Trains RUN with "Use both cores" on; the ONNX export's bytes hold every weight. */
async function trainOnBothCores(page: Page, isolated: boolean): Promise<{ model: Buffer; status: string }> {
  if (!isolated) await serveWithoutIsolation(page);
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
  await typeConfigJson(page, RUN);
  await page.getByLabel('Use both cores').check();
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByText(isolated ? 'Each batch is split between two workers' : 'This page is not cross-origin isolated')).toBeVisible();
  const status = (await page.getByRole('status').filter({ hasText: /^Finished/ }).textContent()) ?? '';
  await page.getByRole('tab', { name: 'Take it further' }).click();
  const panel = page.getByRole('region', { name: 'Take it further' });
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export model' }).click()]);
  return { model: readFileSync(await download.path()), status };
}

test('two workers train the same weights as one; a page without cross-origin isolation trains in one worker', async ({ browser }) => {
  const two = await trainOnBothCores(await browser.newPage(), true);
  const one = await trainOnBothCores(await browser.newPage(), false);
  expect(two.status).toMatch(/Finished/);
  expect(one.status).toBe(two.status);
  expect(one.model.equals(two.model)).toBe(true);
});
