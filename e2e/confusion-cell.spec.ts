import { expect, test } from '@playwright/test';
import { confusionCounts, screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('clicking a confusion cell shows its test images and what the network thought of them', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);

  const confusion = await confusionCounts(page);
  // The most frequent mistake: a cell with several images.
  let actual = 0;
  let predicted = 1;
  confusion.forEach((row, a) =>
    row.forEach((count, p) => {
      if (a !== p && count > confusion[actual][predicted]) [actual, predicted] = [a, p];
    }),
  );
  const count = confusion[actual][predicted];
  expect(count).toBeGreaterThan(0);

  await page.getByRole('button', { name: `Actual ${actual}, predicted ${predicted}: ${count} images` }).click();
  const images = page.getByRole('region', { name: 'Images of the selected cell' });
  await expect(images.getByRole('heading')).toHaveText(`${actual}s read as ${predicted}`);
  const shown = Math.min(count, 48);
  await expect(images.getByRole('img')).toHaveCount(shown);

  // Each image's most likely digit, listed first, is the cell's column.
  const topDigits = await images.getByRole('list', { name: 'Predicted probabilities' }).evaluateAll((lists) =>
    lists.map((list) => Number(list.querySelector('.digit')?.textContent)),
  );
  expect(topDigits).toEqual(new Array(shown).fill(predicted));
  // The canvases hold ink, not a blank image.
  const inked = await images.getByRole('img').first().evaluate((canvas) => {
    const context = (canvas as HTMLCanvasElement).getContext('2d');
    const data = context?.getImageData(0, 0, 28, 28).data ?? new Uint8ClampedArray();
    return data.filter((value, i) => i % 4 === 0 && value < 128).length;
  });
  expect(inked).toBeGreaterThan(20);
  await screenshot(page, '06-confusion-cell');

  // A diagonal cell: correctly read images.
  await page.getByRole('button', { name: new RegExp(`^Actual 3, predicted 3: `) }).click();
  await expect(images.getByRole('heading')).toHaveText('3s read correctly');
  await expect(images.getByRole('img')).toHaveCount(Math.min(confusion[3][3], 48));
  await images.getByRole('button', { name: 'Close' }).click();
  await expect(images).toHaveCount(0);
});
