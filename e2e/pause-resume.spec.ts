import { expect, test } from '@playwright/test';
import { screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('pausing holds the run where it is, resuming carries on to the end', async ({ page }) => {
  // One sample at a time on a CPU shared with other jobs can crawl (576 samples/s was seen).
  test.setTimeout(480_000);
  await page.goto('/');
  // A small network one sample at a time through all 60,000: far longer than the moment
  // between seeing 2,000 samples done and pressing Pause, on any machine.
  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 16, 10], epochs: 1, batch_size: 1, samples: 60_000 });
  await trainButton(page).click();

  const progress = page.getByRole('progressbar', { name: 'Epoch progress' });
  const samplesDone = async () => Number(await progress.getAttribute('value'));
  await expect.poll(samplesDone, { timeout: 60_000 }).toBeGreaterThan(2000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Paused in epoch 1/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeDisabled();

  const pausedAt = await samplesDone();
  expect(pausedAt).toBeGreaterThan(2000);
  expect(pausedAt).toBeLessThan(60_000);
  await page.waitForTimeout(1500);
  expect(await samplesDone()).toBe(pausedAt);

  // An edit while the run is paused waits for the next run, and the page says so.
  await page.getByLabel('Epochs').fill('3');
  await expect(page.getByText(/your changes apply to the next run/)).toBeVisible();
  await screenshot(page, '02-paused');

  // Train over a paused run would throw it away: the page asks first, and keeping it keeps it.
  await trainButton(page).click();
  const ask = page.getByRole('dialog', { name: 'Start a new run?' });
  await expect(ask).toContainText('The paused run (epoch 1 of 1) ends where it is');
  await expect(ask.getByRole('button', { name: 'Keep the paused run' })).toBeFocused();
  await ask.getByRole('button', { name: 'Keep the paused run' }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: /^Paused in epoch 1/ })).toBeVisible();
  expect(await samplesDone()).toBe(pausedAt);

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(samplesDone).toBeGreaterThan(pausedAt);
  await waitForRunEnd(page, 300_000);
  await expect(page.getByText('Finished 1 epoch.')).toBeVisible();
  await expect(page.getByText(/your changes apply to the next run/)).toHaveCount(0);
  await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toBeVisible();
});
