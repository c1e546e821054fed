import { expect, test } from '@playwright/test';
import { chartPointCount, confusionCounts, keptCurves, overallAccuracy, SMALL_RUN, trainAndReadConfusion } from './helpers';

test('a reload after a run shows its curves and evaluation again, and its cell images', async ({ page }) => {
  await page.goto('/');
  const confusion = await trainAndReadConfusion(page, { ...SMALL_RUN, epochs: 2 });
  const accuracy = await overallAccuracy(page);
  // The results are written to IndexedDB in the background: reload once the last epoch's are there.
  await expect.poll(async () => (await keptCurves(page)).epochs).toBe(2);
  // The within-epoch chart redraws on a throttle, so it may still be catching up with the run's last points.
  const { running } = await keptCurves(page);
  await expect.poll(() => chartPointCount(page, 'Within-epoch learning')).toBe(running);

  await page.reload();
  // The note sits with the model files, on the drawing tab.
  await expect(page.getByText(/Restored your last model \(784-32-10 ReLU\/Softmax\) and its results/)).toBeAttached();
  await expect(page.getByText(/^Overall accuracy: \d+\.\d\d%$/)).toBeVisible();
  expect(await overallAccuracy(page)).toBe(accuracy);
  expect(await confusionCounts(page)).toEqual(confusion);
  await expect.poll(() => chartPointCount(page, 'Accuracy per epoch')).toBe(2);
  await expect.poll(() => chartPointCount(page, 'Within-epoch learning')).toBe(running);

  // Its images come from the restored model, answering as the evaluation counted.
  const count = confusion[7][7];
  await page.getByRole('button', { name: `Actual 7, predicted 7: ${count} images` }).click();
  const images = page.getByRole('dialog', { name: '7s read correctly' });
  await expect(images.getByRole('img')).toHaveCount(Math.min(48, count), { timeout: 60_000 });
  const topDigits = await images.getByRole('list', { name: 'Predicted probabilities' }).evaluateAll((lists) =>
    lists.map((list) => Number(list.querySelector('.digit')?.textContent)),
  );
  expect(topDigits).toEqual(new Array(Math.min(48, count)).fill(7));
});
