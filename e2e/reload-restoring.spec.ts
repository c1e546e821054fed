import { expect, test } from '@playwright/test';
import { overallAccuracy, SMALL_RUN, trainAndReadConfusion } from './helpers';

test('after a reload the page says it is restoring the last results until they appear', async ({ page }) => {
  await page.goto('/');
  await trainAndReadConfusion(page, { ...SMALL_RUN, epochs: 1 });
  const accuracy = await overallAccuracy(page);
  await expect(page.getByText('Restoring')).toHaveCount(0);
  // The model is written to IndexedDB in the background: reload once it is there.
  await expect.poll(() => page.evaluate(keptLatest)).toBe(true);

  // The training worker's script held back: the restore cannot finish, whatever the machine's speed.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/training.worker*.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  const status = page.locator('.run-status');
  await expect(status).toHaveText('Restoring your last model and its results from this browser…');
  await expect(page.getByText(/^Overall accuracy/)).toHaveCount(0);
  release();
  await expect(status).toHaveText(/^A model is loaded\./);
  expect(await overallAccuracy(page)).toBe(accuracy);
});

/** Whether this browser keeps a latest model with its results. */
function keptLatest(): Promise<boolean> {
  return new Promise((resolve) => {
    const opened = indexedDB.open('mnist-playground-models');
    opened.onsuccess = () => {
      const db = opened.result;
      if (!db.objectStoreNames.contains('models')) return resolve(false);
      const read = db.transaction('models').objectStore('models').get('latest-view');
      read.onsuccess = () => resolve(read.result !== undefined);
      read.onerror = () => resolve(false);
    };
    opened.onerror = () => resolve(false);
  });
}
