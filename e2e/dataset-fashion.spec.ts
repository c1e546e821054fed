import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { drawStroke } from './draw-helpers';
import { openTab, overallAccuracy, screenshot, trainAndReadConfusion } from './helpers';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

test('a user adds Fashion-MNIST from its four IDX files, trains an epoch on it, reads class names and draws a shoe', async ({ page }, testInfo) => {
  const labels = testInfo.outputPath('labels.txt');
  writeFileSync(labels, `${CLASSES.join('\n')}\n`);
  await page.goto('/');

  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('Fashion-MNIST');
  await form.getByLabel('IDX files').setInputFiles([...FASHION_FILES.map((name) => join(FASHION, name)), labels]);
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();

  // Listed with its size and classes, and active: the network follows it (same shape as MNIST, so nothing to adapt).
  const fashion = page.getByRole('radio', { name: /^Fashion-MNIST/ });
  await expect(fashion).toBeChecked({ timeout: 60_000 });
  await expect(page.locator('.dataset-row', { hasText: 'Fashion-MNIST' })).toContainText(
    '28×28 · 10 classes (T-shirt/top, Trouser, Pullover and 7 more) · 60,000 + 10,000 images · 52.3 MB',
  );
  await screenshot(page, 'dataset-fashion-added');

  // The address bar's link names the local set; opened elsewhere it says so and opens with MNIST.
  await expect.poll(() => page.url()).toContain('&dataset=Fashion-MNIST_28_28_10');
  const elsewhere = await page.context().browser()!.newPage();
  await elsewhere.goto(page.url());
  await expect(elsewhere.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
  await expect(elsewhere.getByText(/This link was made on Fashion-MNIST, a dataset kept in the browser it came from; links do not carry data, so it opens with MNIST/)).toBeVisible();
  await elsewhere.close();

  const counts = await trainAndReadConfusion(page, {
    layers: [784, 64, 10],
    activations: ['ReLU', 'Softmax'],
    optimizer: 'adam',
    learning_rate: 0.003,
    batch_size: 32,
    epochs: 1,
    samples: 5000,
    seed: 3,
    init: 'he',
  });

  // The matrix and the table speak of clothes, and count Fashion-MNIST's 10,000 test images.
  const matrix = page.getByRole('table', { name: 'Confusion matrix' });
  await expect(matrix.getByRole('rowheader')).toHaveText(CLASSES.map((name, i) => `${i} ${name}`));
  expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(10_000);
  expect(await overallAccuracy(page)).toBeGreaterThan(70);
  const perClass = page.getByRole('table', { name: 'Per-class metrics' });
  await expect(perClass.getByRole('rowheader')).toHaveText(CLASSES);
  await matrix.getByRole('button', { name: /^Actual Ankle boot, predicted Ankle boot:/ }).click();
  await expect(page.getByRole('heading', { name: 'Ankle boots read correctly' })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Test image \d+, a Ankle boot$/ }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Ankle boots read correctly' })).toBeHidden();

  // The page speaks of the set's classes, not digits; a boot drawn on the pad is read as one of them, by name.
  await expect(page.locator('.tagline')).toHaveText(/tell Fashion-MNIST’s 10 classes apart/);
  await openTab(page, 'Draw');
  await expect(page.getByRole('tab', { name: 'Draw', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Draw: Fashion-MNIST' })).toBeVisible();
  await drawStroke(page, [
    [90, 40],
    [90, 200],
    [240, 200],
    [240, 160],
    [140, 130],
    [140, 40],
  ]);
  const prediction = page.getByRole('status', { name: 'Prediction' }).or(page.getByLabel('Prediction'));
  await expect(prediction).toHaveText(new RegExp(`^(${CLASSES.map((c) => c.replace('/', '\\/')).join('|')})$`));
  await expect(page.getByRole('list', { name: 'Probability per class' }).getByRole('meter')).toHaveCount(10);
  await expect(page.getByRole('meter', { name: 'Ankle boot' })).toBeVisible();
  await screenshot(page, 'dataset-fashion-draw');
});
