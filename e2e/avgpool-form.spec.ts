import { expect, test } from '@playwright/test';
import { buildCnnInForm, overallAccuracy, trainButton, waitForRunEnd } from './helpers';

test('a user picks average pooling in the form, reads its shape and what its fields mean, and trains the network', async ({ page }) => {
  await page.goto('/');
  await buildCnnInForm(page);
  await page.getByLabel('Hidden layer 2 Type').selectOption('Average pooling');
  const rows = page.locator('.layers > li.layer');
  await expect(rows.filter({ hasText: 'Hidden 2' })).toContainText('→ 14×14×8 · 0 parameters');
  await expect(page.getByText('Side of each window whose mean is kept; 2 or 3.')).toBeVisible();
  await expect(page.getByLabel('Config JSON')).toHaveValue(/\{"type": "avgpool2d", "pool_size": 2, "stride": 2\}/);

  await page.getByLabel('Training samples').fill('2000');
  await page.getByLabel('Epochs').fill('1');
  await trainButton(page).click();
  await waitForRunEnd(page);
  // A thousand-odd updates of a small CNN read digits far better than chance.
  expect(await overallAccuracy(page)).toBeGreaterThan(50);
});
