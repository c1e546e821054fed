import { expect, test, type Locator } from '@playwright/test';
import { axeViolations } from './axe';
import { drawStroke, verticalLine } from './draw-helpers';
import { atViewport, buildCnnInForm, openTab, trainButton, unfold, VIEWPORTS, waitForRunEnd } from './helpers';

/** Distinct colours of a canvas that are not grey: the saliency's red and blue, Grad-CAM's reds. */
async function tints(canvas: Locator): Promise<number> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });
}

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: a CNN's drawing shows its saliency through the convolution and its Grad-CAM; its embedding maps the pooled maps; test images from the map and the matrix show their Grad-CAM`, async ({ page }) => {
      test.setTimeout(400_000);
      await page.goto('/');
      await buildCnnInForm(page);
      await unfold(page, 'Training');
      await page.getByLabel('Epochs').fill('1');
      await page.getByLabel('Training samples').fill('1000');
      await trainButton(page).click();
      await waitForRunEnd(page, 300_000);

      await drawStroke(page, verticalLine(140, 50, 230));
      await expect(page.getByLabel('Prediction', { exact: true })).toHaveText(/^\d$/);
      await page.getByLabel('Show saliency').check();
      const saliency = page.getByRole('img', { name: /^Saliency: / });
      await expect.poll(() => tints(saliency)).toBeGreaterThan(20);
      await page.getByLabel('Show Grad-CAM').check();
      const cam = page.getByRole('img', { name: /^Grad-CAM: / });
      await expect.poll(() => tints(cam)).toBeGreaterThan(5);
      expect(await axeViolations(page)).toEqual([]);

      await openTab(page, 'Inside the network');
      await page.getByText('Map of the last hidden layer').click();
      await expect(page.getByRole('group', { name: 'Embedding map of 2,000 test images' })).toBeVisible();
      await expect(page.getByText(/placed by what layer 2 \(1,568 values\) makes of them after epoch 1/)).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);

      // A test image opened from the map, and a confusion cell's, show their Grad-CAM too.
      const map = page.getByRole('group', { name: 'Embedding map of 2,000 test images' });
      await map.focus();
      await expect(page.getByRole('tooltip')).toBeVisible();
      await page.keyboard.press('Enter');
      const opened = page.getByRole('dialog', { name: /^Test image \d+$/ });
      await opened.getByLabel('Show Grad-CAM').check();
      await expect.poll(() => tints(opened.getByRole('img', { name: /^Grad-CAM of test image \d+: / }))).toBeGreaterThan(5);
      await expect(opened.getByRole('figure')).toContainText('Grad');
      expect(await axeViolations(page)).toEqual([]);
      await opened.getByRole('button', { name: 'Close' }).click();
      await expect(opened).toHaveCount(0);

      await openTab(page, 'Curves and evaluation');
      await page.getByRole('button', { name: /^Actual 1, predicted 1: / }).click();
      const cell = page.getByRole('dialog', { name: '1s read correctly' });
      await cell.getByLabel('Show Grad-CAM').check();
      await expect.poll(() => tints(cell.getByRole('img', { name: /^Grad-CAM of test image \d+: / }).first())).toBeGreaterThan(5);
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
