import { expect, test } from '@playwright/test';
import { mnistPngFolder } from './dataset-files';
import { addPngDigits, overallAccuracy, trainAndReadConfusion } from './helpers';

test('a folder of PNGs made from 400 MNIST test images is added at 14×14, trains and evaluates', async ({ page }, testInfo) => {
  const folder = mnistPngFolder(testInfo.outputPath('digits'), 400);
  await page.goto('/');
  await addPngDigits(page, folder, 0.25);
  // 400 images split by 0.25 within each class (rounded per class): about 300 to train on, about 100 to test.
  const row = page.locator('.dataset-row', { hasText: 'PNG digits' });
  await expect(row).toContainText('14×14 · 10 classes (0, 1, 2 and 7 more)');
  const [, train, test] = /· ([\d,]+) \+ ([\d,]+) images/.exec((await row.textContent()) ?? '') ?? [];
  expect(Number(train) + Number(test)).toBe(400);
  expect(Number(test)).toBeGreaterThanOrEqual(95);
  expect(Number(test)).toBeLessThanOrEqual(105);
  // The network was fitted to the folder's size and said so.
  await expect(page.getByText(/The network now takes 196 inputs \(14×14 pixels\) and gives 10 outputs/)).toBeVisible();

  const counts = await trainAndReadConfusion(page, {
    layers: [196, 32, 10],
    activations: ['ReLU', 'Softmax'],
    optimizer: 'adam',
    learning_rate: 0.01,
    batch_size: 8,
    epochs: 8,
    seed: 2,
    init: 'he',
  });
  expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(Number(test));
  // Far above chance (10%) on images it never trained on.
  expect(await overallAccuracy(page)).toBeGreaterThan(50);
});
