import { expect, test } from '@playwright/test';
import { atViewport, LONG_RUN, trainButton, VIEWPORTS } from './helpers';

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test(`${viewport.name}: the form stays where it is when training starts`, async ({ page }) => {
      await page.goto(LONG_RUN);
      const preset = page.getByRole('combobox', { name: 'Preset' });
      await expect(preset).toBeVisible();
      const before = (await preset.boundingBox())!.y;
      await trainButton(page).click();
      await expect(page.locator('.run-status')).toHaveText(/^Training epoch 1/, { timeout: 90_000 });
      const during = (await preset.boundingBox())!.y;
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(page.locator('.run-status')).toHaveText(/^Stopped/);
      expect(Math.round(during - before)).toBe(0);
    });
  });
}
