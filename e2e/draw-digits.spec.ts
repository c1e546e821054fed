import { expect, test } from '@playwright/test';
import { clearPad, drawStroke, ellipse, expectBarsAgree, prediction, verticalLine } from './draw-helpers';
import { openTab, screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a user trains for two epochs, draws digits the network reads, and finds the model again after a reload', async ({ page }) => {
  await page.goto('/');
  await drawStroke(page, verticalLine(140, 50, 230));
  await expect(page.getByText(/No model yet/)).toBeVisible();
  await expect(prediction(page)).toHaveText('');
  await clearPad(page);

  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 64, 10], samples: 6000 });
  await trainButton(page).click();
  await waitForRunEnd(page);

  await drawStroke(page, verticalLine(140, 50, 230));
  await expect(prediction(page)).toHaveText('1');
  await expectBarsAgree(page, 1);
  await expect(page.getByRole('img', { name: 'What the network sees (28×28)' })).toBeVisible();
  await clearPad(page);

  await drawStroke(page, ellipse(140, 140, 65, 95));
  await expect(prediction(page)).toHaveText('0');
  await expectBarsAgree(page, 0);
  await screenshot(page, 'draw-zero');
  await clearPad(page);

  // A small 1 in the top-left corner: cropping and centring make it the same input as a big one.
  await drawStroke(page, verticalLine(45, 20, 90));
  await expect(prediction(page)).toHaveText('1');

  // Undo removes the last stroke; with nothing left, nothing is predicted.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(prediction(page)).toHaveText('');
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();

  // The latest model was kept in IndexedDB: after a reload it reads a 1 without training.
  await page.reload();
  await openTab(page, 'Draw a digit');
  await expect(page.getByText(/Restored your last model \(784-64-10 ReLU\/Softmax\)/)).toBeVisible();
  await drawStroke(page, verticalLine(150, 40, 220));
  await expect(prediction(page)).toHaveText('1');
  await expect(trainButton(page)).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
