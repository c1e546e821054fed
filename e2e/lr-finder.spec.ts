import { expect, test } from '@playwright/test';
import { axeViolations } from './axe';
import { atViewport, openTab, SMALL_RUN, typeConfigJson, VIEWPORTS } from './helpers';

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: a range test plots loss against rate, suggests a rate and sets it in the form only when asked`, async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, samples: 2000 });
      await openTab(page, 'Runs');
      await page.getByRole('button', { name: 'Find a learning rate' }).click();
      const result = page.getByRole('status').filter({ hasText: /Suggested learning rate: / });
      await expect(result).toBeVisible({ timeout: 120_000 });
      await expect(result).toContainText(/^It stopped where the loss (exploded|was no longer a number)/);
      const suggested = /Suggested learning rate: ([\d.e-]+),/.exec((await result.textContent()) ?? '')![1];
      expect(Number(suggested)).toBeGreaterThan(1e-5);
      expect(Number(suggested)).toBeLessThan(1);

      // Nothing else changed: the form keeps its rate, no run was recorded, no model made.
      await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.003');
      await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);

      // The chart reads out by keyboard: the last batch, at the highest rate tried.
      const chart = page.getByRole('group', { name: 'Loss against the rate tried' });
      await chart.focus();
      await page.keyboard.press('End');
      await expect(page.getByRole('figure', { name: 'Loss against the rate tried' }).locator('.chart-readout')).toHaveText(
        /^Rate [\d.e-]+: Batch loss [\d.]+, smoothed [\d.]+$/,
      );
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Use this rate' }).click();
      await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue(suggested);
      await expect(result).toContainText(`The form’s learning rate is now ${suggested}.`);
    });
  });
}
