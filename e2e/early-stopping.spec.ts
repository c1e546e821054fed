import { expect, test } from '@playwright/test';
import { overallAccuracy, screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1]);

test('early stopping ends a run whose validation accuracy stalls and keeps the best epoch’s model', async ({ page }) => {
  await page.goto('/');
  // 500 training images are learnt by heart within a few epochs; accuracy on 2,000 held-out ones then stalls.
  await typeConfigJson(page, { ...SMALL_RUN, samples: 500, epochs: 40, validation: 2000, patience: 2 });
  await expect(page.getByLabel('Validation images')).toHaveValue('2000');
  await expect(page.getByLabel('Early stopping patience')).toHaveValue('2');
  await trainButton(page).click();

  const note = page.getByRole('note', { name: 'Early stopping' });
  await expect(note).toBeVisible({ timeout: 150_000 });
  await waitForRunEnd(page);
  const [, stoppedAfter, bestEpoch] = /Stopped early after epoch (\d+): validation accuracy had not improved since epoch (\d+)/
    .exec((await note.textContent()) ?? '')
    ?.map(Number) ?? [0, 0, 0];
  expect(stoppedAfter).toBeLessThan(40);
  expect(stoppedAfter).toBe(bestEpoch + 2);
  await expect(page.locator('.run-status')).toContainText(
    `Finished ${stoppedAfter} epochs (stopped early). Kept the model of epoch ${bestEpoch}, the best on validation`,
  );

  // The accuracy chart shows validation with the gap shaded, and the test set is not on it.
  const chart = page.getByRole('figure', { name: 'Accuracy per epoch' });
  await expect(chart.getByText('Validation accuracy')).toBeVisible();
  await expect(chart.getByText('Gap (overfitting)')).toBeVisible();
  await expect(chart.locator('.recharts-area-area')).toHaveCount(1);

  await page.getByText('Epoch by epoch').click();
  const rows = page.getByRole('table', { name: 'Epochs' }).locator('tbody tr');
  await expect(rows).toHaveCount(stoppedAfter);
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => cell.textContent ?? '')));
  const kept = cells[bestEpoch - 1];
  expect(kept[0]).toBe(`${bestEpoch} (kept)`);
  const validation = cells.map((row) => percent(row[2]));
  for (const later of validation.slice(bestEpoch)) expect(later).toBeLessThanOrEqual(validation[bestEpoch - 1]);

  // Evaluating the model the worker now holds gives the kept epoch's test accuracy.
  const keptTest = percent(kept[3]);
  await page.getByRole('button', { name: /Evaluate/ }).click();
  await expect.poll(() => overallAccuracy(page)).toBe(keptTest);
  await screenshot(page, 'early-stopping');
});
