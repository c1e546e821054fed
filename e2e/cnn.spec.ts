import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { overallAccuracy, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

const convnetjs = JSON.parse(readFileSync('src/presets/convnetjs.json', 'utf8')) as Record<string, unknown>;

test("a user pastes ConvNetJS's MNIST network as JSON, reads its layers' shapes, trains it briefly and sees the evaluation", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await typeConfigJson(page, { ...convnetjs, samples: 5000, epochs: 1 });

  // The form's rows follow the JSON: each layer's type, fields, output shape and parameters.
  const rows = page.locator('.layers > li.layer');
  await expect(rows).toHaveCount(6);
  await expect(page.getByLabel('Hidden layer 3 Type')).toHaveValue('conv2d');
  await expect(page.getByLabel('Hidden layer 3 Filters')).toHaveValue('16');
  await expect(rows.filter({ hasText: 'Hidden 3' })).toContainText('→ 14×14×16 · 3,216 parameters');
  await expect(page.getByLabel('Hidden layer 4 Pool size')).toHaveValue('3');
  await expect(rows.filter({ hasText: 'Hidden 4' })).toContainText('→ 4×4×16');
  await expect(page.getByText(/^5,994 parameters;/)).toBeVisible();

  await trainButton(page).click();
  await waitForRunEnd(page, 240_000);
  // 5,000 images, one epoch: a working CNN is far above chance (10%).
  expect(await overallAccuracy(page)).toBeGreaterThan(80);
});
