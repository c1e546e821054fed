import { expect, test } from '@playwright/test';
import {
  chartPointCount,
  confusionCounts,
  overallAccuracy,
  screenshot,
  SMALL_RUN,
  trainButton,
  typeConfigJson,
  waitForRunEnd,
} from './helpers';

test('a user trains a small network for two epochs and reads its evaluation', async ({ page }) => {
  await page.goto('/');
  await screenshot(page, '01-start');
  // One sample at a time, the seed post's way, through 15,000 of the 60,000: each epoch lasts
  // seconds even on a quiet machine, long enough to watch the charts grow while it runs.
  await typeConfigJson(page, { ...SMALL_RUN, samples: 15_000, batch_size: 1 });

  await trainButton(page).click();
  await expect(page.getByRole('progressbar', { name: 'Dataset download' })).toBeVisible();

  // The within-epoch curve gains points while the run is still going: each count is
  // taken only while the status still says it is training.
  const within = 'Within-epoch learning';
  const status = page.locator('.run-status');
  const pointsWhileTraining = async () => {
    const points = await chartPointCount(page, within);
    return (await status.textContent())?.startsWith('Training epoch') ? points : -1;
  };
  await expect.poll(pointsWhileTraining, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const early = await chartPointCount(page, within);
  await expect.poll(pointsWhileTraining).toBeGreaterThan(early);

  await waitForRunEnd(page);
  await expect(page.getByText('Finished 2 epochs.')).toBeVisible();
  await expect.poll(() => chartPointCount(page, 'Accuracy per epoch')).toBe(2);
  expect(await chartPointCount(page, within)).toBeGreaterThan(early);

  const epochProgress = page.getByRole('progressbar', { name: 'Epoch progress' });
  await expect(epochProgress).toHaveAttribute('value', '15000');
  await expect(page.getByText(/Epoch 2 of 2 · 15,000 \/ 15,000 samples/)).toBeVisible();

  // The evaluation: every test image counted once, the diagonal is the overall accuracy.
  const confusion = await confusionCounts(page);
  expect(confusion).toHaveLength(10);
  confusion.forEach((row) => expect(row).toHaveLength(10));
  const total = confusion.flat().reduce((sum, count) => sum + count, 0);
  expect(total).toBe(10_000);
  const correct = confusion.reduce((sum, row, digit) => sum + row[digit], 0);
  const accuracy = await overallAccuracy(page);
  expect(accuracy).toBeCloseTo((correct / total) * 100, 2);
  expect(accuracy).toBeGreaterThan(80);

  const perDigit = page.getByRole('table', { name: 'Per-digit metrics' });
  await expect(perDigit.locator('tbody tr')).toHaveCount(10);
  // Digit 3's support is its row of the confusion matrix.
  await expect(perDigit.locator('tbody tr').nth(3).locator('td').last()).toHaveText(
    confusion[3].reduce((sum, count) => sum + count, 0).toLocaleString('en-US'),
  );
  await screenshot(page, '03-trained');
});
