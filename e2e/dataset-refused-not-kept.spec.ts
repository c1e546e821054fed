import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { idxImageFile, idxLabelFile } from './dataset-files';
import { trainAndReadConfusion } from './helpers';

test('a dataset no network here can take is refused whole: not kept, not active in the worker, and MNIST still trains', async ({ page }, testInfo) => {
  // 2000×2000 images: valid IDX files, but 4,000,000 inputs, more than a network's input layer may have.
  const dir = testInfo.outputPath('dims-2000');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const files = [
    file('train-images-idx3-ubyte', idxImageFile(2, 2000, 2000)),
    file('train-labels-idx1-ubyte', idxLabelFile([0, 1])),
    file('t10k-images-idx3-ubyte', idxImageFile(1, 2000, 2000)),
    file('t10k-labels-idx1-ubyte', idxLabelFile([1])),
  ];
  await page.goto('/');
  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('dims-2000');
  await form.getByLabel('IDX files').setInputFiles(files);
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();
  await expect(page.getByRole('alert')).toContainText('dims-2000 was not added: its images have 2000×2000 = 4000000 pixels, more than the 100000 inputs a network here may take');
  await expect(page.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^dims-2000/ })).toHaveCount(0);

  // The worker trains and evaluates on MNIST, the set the page shows: all 10,000 test images are counted.
  const counts = await trainAndReadConfusion(page, { layers: [784, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, batch_size: 16, epochs: 1, samples: 1000, seed: 1 });
  expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(10_000);

  await page.reload();
  await expect(page.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^dims-2000/ })).toHaveCount(0);
  await expect(page.locator('.dataset-row')).toHaveCount(1);
});
