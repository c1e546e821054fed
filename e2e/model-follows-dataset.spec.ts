import { expect, test, type Page } from '@playwright/test';
import { shiftedDigitsIdx } from './dataset-files';
import { overallAccuracy, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a model belongs to the set it was trained on: switching sets brings back that set’s model or none, and so does a reload', async ({ page }, testInfo) => {
  // MNIST's images with every label one digit on: MNIST's model scores near nothing on it, and the reverse.
  const files = shiftedDigitsIdx(testInfo.outputPath('shifted'), 2000, 500);
  await page.goto('/');
  const mnist = page.getByRole('radio', { name: /^MNIST/ });
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  const mnistAccuracy = await overallAccuracy(page);
  expect(mnistAccuracy).toBeGreaterThan(50);

  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('Shifted digits');
  await form.getByLabel('IDX files').setInputFiles(files);
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();
  const shifted = page.getByRole('radio', { name: /^Shifted digits/ });
  await expect(shifted).toBeChecked({ timeout: 60_000 });
  // Same shape as MNIST, yet MNIST's model is not this set's.
  await expect(page.getByRole('status').filter({ hasText: 'No model has been trained on Shifted digits in this browser yet.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Evaluate now' })).toBeDisabled();
  await trainButton(page).click();
  await waitForRunEnd(page);
  const shiftedAccuracy = await overallAccuracy(page);
  expect(shiftedAccuracy).toBeGreaterThan(50);
  // The panel no longer says the set has no model once a run on it is kept.
  await expect(page.getByRole('status').filter({ hasText: 'The last model trained on Shifted digits is kept in this browser' })).toBeVisible();
  await expect(page.getByText('No model has been trained on Shifted digits')).toHaveCount(0);

  await mnist.click();
  await expectModelOf(page, 'MNIST', mnistAccuracy, '10,000');
  await shifted.click();
  await expectModelOf(page, 'Shifted digits', shiftedAccuracy, '500');

  await expect.poll(() => keptModels(page)).toBe(2);
  await page.reload();
  await expect(shifted).toBeChecked();
  await expect(page.getByText(/^Restored your last model \(784-32-10 ReLU\/Softmax\) and its results/)).toBeAttached();
  await expect(page.getByText(/^Overall accuracy: \d+\.\d\d%$/)).toBeVisible();
  expect(await overallAccuracy(page)).toBe(shiftedAccuracy);
  await expect(page.locator('.evaluation-panel .overall')).toContainText('of 500 correct');
  await mnist.click();
  await expect(page.getByRole('status').filter({ hasText: 'Brought back the last model trained on MNIST' })).toBeVisible();
  expect(await overallAccuracy(page)).toBe(mnistAccuracy);
  await expect(page.locator('.evaluation-panel .overall')).toContainText('of 10,000 correct');
  // MNIST too: a new run's model replaces what the note said of the one brought back.
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('status').filter({ hasText: 'The last model trained on MNIST is kept in this browser' })).toBeVisible();
  await expect(page.getByText('Brought back the last model trained on MNIST')).toHaveCount(0);
});

/** The set's own model is back: its results on screen, and Evaluate now scores the worker's model the same on the set's test images. */
async function expectModelOf(page: Page, name: string, accuracy: number, testImages: string): Promise<void> {
  await expect(page.getByRole('radio', { name: new RegExp(`^${name}`) })).toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: `Brought back the last model trained on ${name}` })).toBeVisible();
  expect(await overallAccuracy(page)).toBe(accuracy);
  await evaluateNow(page);
  expect(await overallAccuracy(page)).toBe(accuracy);
  await expect(page.locator('.evaluation-panel .overall')).toContainText(`of ${testImages} correct`);
}

/** Presses Evaluate now on an epoch's results and waits for its answer: a loaded model's evaluation names no epoch. */
async function evaluateNow(page: Page): Promise<void> {
  await expect(page.getByText(/^Test images never used in training, after epoch 1\.$/)).toBeVisible();
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByText(/^Test images never used in training\.$/)).toBeVisible();
}

/** How many models this browser keeps as a dataset's latest. */
function keptModels(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const opened = indexedDB.open('mnist-playground-models');
        opened.onsuccess = () => {
          const db = opened.result;
          if (!db.objectStoreNames.contains('models')) return resolve(0);
          const read = db.transaction('models').objectStore('models').getAllKeys();
          read.onsuccess = () => resolve(read.result.filter((key) => String(key).startsWith('latest') && !String(key).startsWith('latest-view')).length);
          read.onerror = () => resolve(0);
        };
        opened.onerror = () => resolve(0);
      }),
  );
}
