import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { zipSync } from 'fflate';
import { greyPng, idxImageFile, idxLabelFile } from './dataset-files';
import { trainAndReadConfusion } from './helpers';

const LABELS = Array.from({ length: 60 }, (_, i) => i % 3);

test('every bad dataset gets an alert naming the file and the problem, and the previous dataset stays and still trains', async ({ page }, testInfo) => {
  const dir = testInfo.outputPath('sets');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const good = {
    trainImages: file('train-images-idx3-ubyte', idxImageFile(60, 12, 12)),
    trainLabels: file('train-labels-idx1-ubyte', idxLabelFile(LABELS)),
    testImages: file('t10k-images-idx3-ubyte', idxImageFile(3, 12, 12)),
    testLabels: file('t10k-labels-idx1-ubyte', idxLabelFile([0, 1, 2])),
  };
  await page.goto('/');
  await page.getByText('Add a dataset').click();
  const idx = page.getByRole('form', { name: 'Add IDX files' });
  const addIdx = async (name: string, files: string[]) => {
    await idx.getByLabel('Name').fill(name);
    await idx.getByLabel('IDX files').setInputFiles(files);
    await idx.getByRole('button', { name: 'Add IDX dataset' }).click();
  };
  await addIdx('Small', Object.values(good));
  const small = page.getByRole('radio', { name: /^Small/ });
  await expect(small).toBeChecked();

  const refused = async (message: string) => {
    await expect(page.getByRole('alert')).toContainText(message);
    await expect(small).toBeChecked();
    await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
  };
  const withTest = (testImages: string, testLabels = good.testLabels) => [good.trainImages, good.trainLabels, testImages, testLabels];

  await addIdx('Counts', withTest(good.testImages, file('t10k-labels-idx1-ubyte', idxLabelFile([0, 1]))));
  await refused('Counts was not added: t10k-labels-idx1-ubyte: 2 labels, but t10k-images-idx3-ubyte holds 3 images');

  await addIdx('Labels', [...withTest(good.testImages, file('test-labels-idx1-ubyte', idxLabelFile([0, 1, 5]))), file('labels.txt', 'a\nb\nc\n')]);
  await refused('Labels was not added: test-labels-idx1-ubyte: label 5 at index 2 is not one of the 3 classes (0–2)');

  const wrongMagic = idxImageFile(3, 12, 12);
  wrongMagic.writeUInt32BE(0x1234, 0);
  await addIdx('Magic', withTest(file('t10k-images-magic-idx3-ubyte', wrongMagic)));
  await refused('Magic was not added: t10k-images-magic-idx3-ubyte: wrong magic number 0x00001234');

  await addIdx('Truncated', withTest(file('t10k-images-short-idx3-ubyte', idxImageFile(3, 12, 12).subarray(0, 200))));
  await refused('Truncated was not added: t10k-images-short-idx3-ubyte: file is truncated: expected 448 bytes for 3 images of 12×12, got 200');

  await addIdx('Huge', withTest(file('t10k-images-huge-idx3-ubyte', idxImageFile(1_000_000, 28, 28, false))));
  await refused('Huge was not added: t10k-images-huge-idx3-ubyte: too large for memory: 1000000 images of 28×28 need 747.7 MB, more than the 512.0 MB a dataset may hold');

  const images = page.getByRole('form', { name: 'Add a folder of images' });
  const square = (side: number) => greyPng(new Uint8Array(side * side).fill(200), side, side);
  const sizes = join(dir, 'sizes');
  const folderImages = [['a/1.png', 8], ['a/2.png', 10], ['a/3.png', 8], ['a/4.png', 8], ['a/5.png', 8], ['b/1.png', 8], ['b/2.png', 8], ['b/3.png', 8]] as const;
  for (const [path, side] of folderImages) {
    mkdirSync(join(sizes, path, '..'), { recursive: true });
    writeFileSync(join(sizes, path), square(side));
  }
  await images.getByLabel('Name').fill('Sizes');
  await images.getByLabel('Folder').setInputFiles(sizes);
  await images.getByRole('button', { name: 'Add image dataset' }).click();
  await refused('Sizes was not added: sizes/a/2.png: 10×10 pixels, but sizes/a/1.png is 8×8; every image of a folder must be the same size');

  // A browser's folder picker never lists an empty folder; a zip keeps it.
  const zip = file('shapes.zip', zipSync({ 'shapes/circle/1.png': square(8), 'shapes/circle/2.png': square(8), 'shapes/square/': new Uint8Array(0) }));
  await images.getByLabel('Name').fill('Empty');
  await images.getByLabel('or a zip').setInputFiles(zip);
  await images.getByRole('button', { name: 'Add image dataset' }).click();
  await refused('Empty was not added: square/: empty class folder (no PNG or JPEG images)');

  // The set added first is still the one that trains.
  const counts = await trainAndReadConfusion(page, { layers: [144, 8, 3], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, batch_size: 4, epochs: 1 });
  expect(counts).toHaveLength(3);
  expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(3);
});

