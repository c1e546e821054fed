import { expect, test } from '@playwright/test';
import { atViewport, SMALL_RUN, trainAndReadConfusion, VIEWPORTS } from './helpers';

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test(`${viewport.name}: each swatch of the confusion matrix's legend sits just before its words, on their line`, async ({ page }) => {
      await page.goto('/');
      await trainAndReadConfusion(page, { ...SMALL_RUN, samples: 500, epochs: 1 });
      const gaps = await page.locator('.matrix-legend .swatch').evaluateAll((swatches) =>
        swatches.map((swatch) => {
          const words = document.createRange();
          let text = swatch.nextSibling;
          while (text && (text.textContent ?? '').trim() === '') text = text.nextSibling;
          words.selectNodeContents(text as Node);
          const first = words.getClientRects()[0];
          const box = swatch.getBoundingClientRect();
          return { across: Math.round(first.left - box.right), down: Math.round(Math.abs(first.top + first.height / 2 - (box.top + box.height / 2))) };
        }),
      );
      expect(gaps).toHaveLength(2);
      for (const gap of gaps) {
        expect(gap.across).toBeGreaterThanOrEqual(0);
        expect(gap.across).toBeLessThanOrEqual(12);
        expect(gap.down).toBeLessThanOrEqual(4);
      }
    });
  });
}
