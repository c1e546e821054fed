import { expect, test } from '@playwright/test';
import { atViewport, VIEWPORTS } from './helpers';

const PHONE = VIEWPORTS.find((viewport) => viewport.name === 'phone')!;
test.use(atViewport(PHONE));

test('on a 390 px phone all five views’ tabs are in sight, none hidden off the side of the strip', async ({ page }) => {
  await page.goto('/');
  const strip = page.getByRole('tablist', { name: 'Views' });
  await expect(strip.getByRole('tab')).toHaveCount(5);
  const { x: left, width } = (await strip.boundingBox())!;
  const right = left + width;
  for (const tab of await strip.getByRole('tab').all()) {
    const box = (await tab.boundingBox())!;
    const name = (await tab.textContent()) ?? '';
    expect(box.x, name).toBeGreaterThanOrEqual(left);
    expect(box.x + box.width, name).toBeLessThanOrEqual(right);
  }
});
