import { expect, test, type Locator } from '@playwright/test';
import { screenshot, SMALL_RUN, trainAndReadConfusion } from './helpers';

test('clicking a confusion cell shows its test images and what the network thought of them', async ({ page }) => {
  await page.goto('/');
  const confusion = await trainAndReadConfusion(page, { ...SMALL_RUN, epochs: 1 });
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
  const images = page.getByRole('dialog', { name: `${actual}s read as ${predicted}` });
  await expect(images).toBeVisible();
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

  await images.getByRole('button', { name: 'Close' }).click();
  await expect(images).toHaveCount(0);

  // A diagonal cell holds hundreds of images: every one is reachable, a page at a time.
  const threes = confusion[3][3];
  expect(threes).toBeGreaterThan(96);
  const threesCell = page.getByRole('button', { name: new RegExp(`^Actual 3, predicted 3: `) });
  await threesCell.click();
  const correct = page.getByRole('dialog', { name: '3s read correctly' });
  await expect(correct.getByText(`1–48 of ${threes.toLocaleString('en-US')}`)).toBeVisible();
  await expect(correct.getByRole('img')).toHaveCount(48);
  const firstPage = await imageLabels(correct);
  await expect(correct.getByRole('button', { name: 'Previous' })).toBeDisabled();
  await correct.getByRole('button', { name: 'Next' }).click();
  await expect(correct.getByText(`49–96 of ${threes.toLocaleString('en-US')}`)).toBeVisible();
  await expect(correct.getByRole('img')).toHaveCount(48);
  const secondPage = await imageLabels(correct);
  expect(secondPage.filter((label) => firstPage.includes(label))).toEqual([]);
  // The last page ends exactly at the cell's count.
  const pages = Math.ceil(threes / 48);
  for (let page = 2; page < pages; page++) await correct.getByRole('button', { name: 'Next' }).click();
  await expect(correct.getByText(`${((pages - 1) * 48 + 1).toLocaleString('en-US')}–${threes.toLocaleString('en-US')} of`)).toBeVisible();
  await expect(correct.getByRole('img')).toHaveCount(threes - (pages - 1) * 48);
  await expect(correct.getByRole('button', { name: 'Next' })).toBeDisabled();
  // Escape closes the dialog and gives the focus back to the cell that opened it.
  await page.keyboard.press('Escape');
  await expect(correct).toHaveCount(0);
  await expect(threesCell).toBeFocused();
});

async function imageLabels(dialog: Locator): Promise<string[]> {
  return dialog.getByRole('img').evaluateAll((canvases) => canvases.map((canvas) => canvas.getAttribute('aria-label') ?? ''));
}
