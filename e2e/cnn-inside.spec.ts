import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { clearPad, drawStroke, prediction, verticalLine } from './draw-helpers';
import { buildCnnInForm, openTab, overallAccuracy, trainButton, waitForRunEnd } from './helpers';

/** How many pixels of a canvas differ from white, and how many distinct colours it has. */
async function ink(canvas: Locator): Promise<{ marked: number; colours: number }> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')?.getImageData(0, 0, element.width, element.height).data ?? new Uint8ClampedArray(0);
    const colours = new Set<string>();
    let marked = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      if (data[i] < 255 || data[i + 1] < 255 || data[i + 2] < 255) marked++;
    }
    return { marked, colours: colours.size };
  });
}

const DESCRIPTION = '28×28×1 → conv2d 8×5×5 same ReLU → maxpool2d 2 → dense 10 Softmax';

test('a CNN built in the form trains one epoch on 5,000 images; its filters and a drawn digit’s feature maps show (on the pad and inside the network); its model file saves and loads back', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/');
  await buildCnnInForm(page);
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Training samples').fill('5000');
  await trainButton(page).click();
  await waitForRunEnd(page, 300_000);
  // 5,000 images, one epoch: a working CNN is far above chance (10%).
  expect(await overallAccuracy(page)).toBeGreaterThan(80);

  // Inside the network: the first convolution's 8 filters, 5×5 each, not the dense weight grid.
  await openTab(page, 'Inside the network');
  const filters = page.getByRole('group', { name: 'First convolution filters' }).getByRole('img');
  await expect(filters).toHaveCount(8);
  await expect(page.getByText(/^All 8 filters of the first convolution, 5×5, after epoch 1/)).toBeVisible();
  await expect(page.getByRole('group', { name: 'First-layer weights' })).toHaveCount(0);
  expect(await filters.nth(0).evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height])).toEqual([5, 5]);
  const filterInk = await ink(filters.nth(0));
  await page.getByRole('group', { name: 'First convolution filters' }).screenshot({ path: 'artifacts/screenshots/cnn-filters.png' });
  expect(filterInk.colours).toBeGreaterThan(10);

  // A drawn 1: each convolution's maps for it, where the ink is.
  await drawStroke(page, verticalLine(140, 40, 240));
  await expect(prediction(page)).not.toHaveText('');
  const maps = page.getByRole('group', { name: 'Feature maps' });
  await expect(maps).toContainText('Convolution 1 (layer 1): 28×28×8');
  await expect(maps.getByRole('img')).toHaveCount(8);
  const mapInk = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((n) => ink(maps.getByRole('img').nth(n))));
  // Some maps answer the stroke, and none is marked all over: a 1 leaves most of the image blank.
  expect(Math.max(...mapInk.map((m) => m.marked))).toBeGreaterThan(20);
  expect(Math.min(...mapInk.map((m) => m.marked))).toBeLessThan(28 * 28);
  await maps.screenshot({ path: 'artifacts/screenshots/cnn-feature-maps.png' });
  // A dense network's unit strips do not stand in for them.
  await expect(page.getByRole('group', { name: 'Hidden activations' })).toHaveCount(0);
  // Inside the network shows the same maps of the drawn digit, under the filters.
  await openTab(page, 'Inside the network');
  const insideMaps = page.getByRole('tabpanel', { name: 'Inside the network' }).getByRole('group', { name: 'Feature maps' });
  await expect(insideMaps).toContainText('Convolution 1 (layer 1): 28×28×8');
  await expect(insideMaps.getByRole('img')).toHaveCount(8);
  expect(await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((n) => ink(insideMaps.getByRole('img').nth(n))))).toEqual(mapInk);
  await openTab(page, 'Draw a digit');

  // Save the model, forget it, load the file back: the same layers, the same answer, the same filters. The
  // answer is read only now: the pad also answers parts of the stroke while it is drawn, and on a busy machine
  // the whole stroke's answer can come after the first one shows.
  const digit = await prediction(page).textContent();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
  const saved = readFileSync(await download.path(), 'utf8');
  expect((JSON.parse(saved) as { layers: { type: string }[] }).layers.map((layer) => layer.type)).toEqual(['conv2d', 'maxpool2d', 'dense']);
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('dialog', { name: 'Reset?' }).getByRole('button', { name: 'Reset' }).click();
  await expect(prediction(page)).toHaveText('');
  await page.getByLabel('Load model').setInputFiles({ name: 'cnn-model.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await expect(page.getByText(`Loaded cnn-model.json: ${DESCRIPTION}.`)).toBeVisible();
  await clearPad(page);
  await drawStroke(page, verticalLine(140, 40, 240));
  await expect(prediction(page)).toHaveText(digit ?? '');
  await expect(maps.getByRole('img')).toHaveCount(8);
  await openTab(page, 'Inside the network');
  await expect(filters).toHaveCount(8);
  expect(await ink(filters.nth(0))).toEqual(filterInk);
});
