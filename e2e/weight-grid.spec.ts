import { expect, test, type Locator } from '@playwright/test';
import { drawStroke, prediction, verticalLine } from './draw-helpers';
import { openTab, screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/** The distinct colours of a canvas's pixels, as "r,g,b" strings. */
async function colours(tile: Locator): Promise<Set<string>> {
  const list = await tile.evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray(0);
    const found: string[] = [];
    for (let i = 0; i < data.length; i += 4) found.push(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return found;
  });
  return new Set(list);
}

test('after an epoch the first layer’s weights show as varied images, and a drawn digit lights hidden units', async ({ page }) => {
  await page.goto('/');
  const grid = page.getByRole('group', { name: 'First-layer weights' });
  await expect(grid).toHaveCount(0);
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);

  await openTab(page, 'Inside the network');
  await expect(grid).toBeVisible();
  const tiles = grid.getByRole('img');
  await expect(tiles).toHaveCount(32);
  await expect(page.getByText('All 32 units, after epoch 1')).toBeVisible();
  const first = await colours(tiles.nth(0));
  const second = await colours(tiles.nth(1));
  // Red and blue pixels of many strengths, not one flat colour; and each unit its own picture.
  expect(first.size).toBeGreaterThan(50);
  expect(second.size).toBeGreaterThan(50);
  const reddish = [...first].filter((rgb) => { const [r, , b] = rgb.split(',').map(Number); return r > b; });
  const bluish = [...first].filter((rgb) => { const [r, , b] = rgb.split(',').map(Number); return b > r; });
  expect(reddish.length).toBeGreaterThan(0);
  expect(bluish.length).toBeGreaterThan(0);
  expect([...first].sort()).not.toEqual([...second].sort());

  await drawStroke(page, verticalLine(140, 40, 240));
  await expect(prediction(page)).not.toHaveText('');
  const activations = page.getByRole('group', { name: 'Hidden activations' });
  await expect(activations).toContainText(/Hidden layer 1: \d+ of 32 units above zero/);
  await screenshot(page, 'weight-grid');
});
