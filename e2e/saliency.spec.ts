import { expect, test } from '@playwright/test';
import { axeViolations } from './axe';
import { drawStroke, verticalLine } from './draw-helpers';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: Show saliency colours the pixels that move the answer`, async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, samples: 1000, epochs: 1 });
      await trainButton(page).click();
      await waitForRunEnd(page);
      await drawStroke(page, verticalLine(140, 50, 230));
      await expect(page.getByLabel('Prediction', { exact: true })).toHaveText(/^\d$/);
      await page.getByLabel('Show saliency').check();
      const map = page.getByRole('img', { name: /^Saliency: / });
      await expect(map).toBeVisible();
      // Some pixels are coloured, and not all alike: a map, not a blank or a flat square.
      await expect
        .poll(() =>
          map.evaluate((canvas: HTMLCanvasElement) => {
            const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
            const shades = new Set<number>();
            for (let i = 0; i < data.length; i += 4) if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) shades.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
            return shades.size;
          }),
        )
        .toBeGreaterThan(20);
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
