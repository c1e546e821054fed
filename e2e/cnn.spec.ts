import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { overallAccuracy, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

const convnetjs = JSON.parse(readFileSync('src/presets/convnetjs.json', 'utf8')) as Record<string, unknown>;

test("a user pastes ConvNetJS's MNIST network as JSON, reads its layers' shapes, trains it briefly and sees the evaluation", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await typeConfigJson(page, { ...convnetjs, samples: 5000, epochs: 1 });

  const layers = page.locator('.stack-table');
  await expect(layers.getByRole('row')).toHaveCount(8);
  await expect(layers.getByRole('row', { name: /Convolution.*16 filters 5×5/ })).toContainText('14×14×16');
  await expect(layers.getByRole('row', { name: /Max pooling.*3×3/ })).toContainText('4×4×16');
  await expect(layers.getByRole('row', { name: 'Total' })).toContainText('5,994');
  // The dense editor is not offered for it: it would rewrite the network as a dense one.
  await expect(page.getByRole('button', { name: 'Add hidden layer' })).toHaveCount(0);

  await trainButton(page).click();
  await waitForRunEnd(page, 240_000);
  // 5,000 images, one epoch: a working CNN is far above chance (10%).
  expect(await overallAccuracy(page)).toBeGreaterThan(80);
});
