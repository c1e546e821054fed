import { expect, test } from '@playwright/test';
import { drawStroke, prediction, verticalLine } from './draw-helpers';
import { openTab, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a training worker that dies is noticed, replaced, and the last model and the runs history survive', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 30 });
  await trainButton(page).click();
  await openTab(page, 'Runs');
  const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ has: page.getByRole('textbox', { name: 'Run name' }) });
  await expect(row.getByRole('cell', { name: /^[2-9] of 30$/ })).toBeVisible({ timeout: 120_000 });

  // Terminated the way the browser would kill it: no error event, calls left unanswered.
  await page.evaluate(() => window.mnistPlayground.terminateWorkerForTesting());

  const alert = page.getByRole('alert');
  // The heartbeat gives a silent worker 20 s before calling it dead.
  await expect(alert).toContainText('The training worker stopped', { timeout: 60_000 });
  await expect(alert).toContainText(/The model of epoch \d+ was loaded into a new worker/);
  await expect(row.first()).toContainText('interrupted');
  await expect(trainButton(page)).toBeEnabled();

  // The new worker holds the restored model and trains the next run.
  await drawStroke(page, verticalLine(140, 50, 230));
  await expect(prediction(page)).toHaveText(/^\d$/);
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await openTab(page, 'Runs');
  await expect(row).toHaveCount(2);
  await expect(row.nth(1)).toContainText('finished');
});
