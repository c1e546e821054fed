import { expect, test, type Page } from '@playwright/test';
import { drawStroke, prediction, verticalLine } from './draw-helpers';
import { openTab, SMALL_RUN, trainButton, typeConfigJson } from './helpers';

/** The latest epoch whose model this browser keeps for a run (what a reload brings the run back to), 0 before any. */
function keptEpoch(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('mnist-playground-run-models');
        open.onerror = () => resolve(0);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('models')) return resolve(0);
          const all = db.transaction('models').objectStore('models').getAll();
          all.onsuccess = () => resolve(Math.max(0, ...all.result.map((value: { row?: { epoch?: number } } | string) => (typeof value === 'string' ? 0 : (value.row?.epoch ?? 0)))));
          all.onerror = () => resolve(0);
        };
      }),
  );
}

test('a reload in the middle of a run keeps its finished epochs and its model', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 30 });
  await trainButton(page).click();
  await openTab(page, 'Runs');

  const runs = page.getByRole('table', { name: 'Runs' });
  const row = runs.getByRole('row').filter({ has: page.getByRole('textbox', { name: 'Run name' }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell', { name: /^[2-9] of 30$/ })).toBeVisible({ timeout: 120_000 });
  // The table shows an epoch before its model is written: reload once the second epoch's is kept.
  await expect.poll(() => keptEpoch(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await expect(row).toContainText('running');
  await page.reload();
  await openTab(page, 'Runs');

  // The run comes back as interrupted, with the epochs it finished and their accuracy.
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('interrupted');
  const reached = Number(/(\d+) of 30/.exec((await row.textContent()) ?? '')?.[1]);
  expect(reached).toBeGreaterThanOrEqual(2);
  expect(reached).toBeLessThan(30);
  await expect(row).toContainText(/\d+\.\d\d%/);
  const lastEpochAccuracy = await row.getByRole('cell', { name: /^\d+\.\d\d%$/ }).first().textContent();

  // The model of the last finished epoch is back and reads a drawn digit.
  await openTab(page, 'Draw a digit');
  await expect(page.getByText(/Restored your last model \(784-32-10 ReLU\/Softmax\)/)).toBeVisible();
  await drawStroke(page, verticalLine(140, 50, 230));
  await expect(prediction(page)).toHaveText(/^\d$/);
  await expect(trainButton(page)).toBeEnabled();

  // The run's own model was kept too, and can be put back into use.
  await openTab(page, 'Runs');
  await row.getByRole('button', { name: /^Use model of Run 1/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'A model is loaded.' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // It is that epoch's model exactly: none of the next epoch's training went into it.
  await openTab(page, 'Curves and evaluation');
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByText(`Overall accuracy: ${lastEpochAccuracy}`)).toBeVisible({ timeout: 60_000 });
});
