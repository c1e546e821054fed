import { expect, test } from '@playwright/test';

test('hidden layer rows line up: every Units field and every Activation select at the same place in its row', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  const add = page.getByRole('button', { name: 'Add hidden layer' });
  await add.click();
  await add.click();
  const rows = page.locator('.layers li.layer:not(.layer-fixed)');
  await expect(rows).toHaveCount(3);
  await rows.nth(2).scrollIntoViewIfNeeded();
  const placements = await rows.evaluateAll((items) =>
    items.map((row) => {
      const box = row.getBoundingClientRect();
      const at = (selector: string) => {
        const field = (row.querySelector(selector) as HTMLElement).getBoundingClientRect();
        return [Math.round(field.left - box.left), Math.round(field.top - box.top), Math.round(field.width)];
      };
      return { units: at('input'), activation: at('select'), height: Math.round(box.height) };
    }),
  );
  expect(placements[1]).toEqual(placements[0]);
  expect(placements[2]).toEqual(placements[0]);
  await page.locator('.layers').screenshot({ path: 'artifacts/screenshots/layer-rows.png' });
});
