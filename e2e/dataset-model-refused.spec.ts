import { expect, test } from '@playwright/test';
import { SEED_CONFIG } from '../src/engine/config.ts';
import { serializeModel } from '../src/formats/model-format.ts';
import { mnistPngFolder } from './dataset-files';
import { addPngDigits, confusionCounts, openTab, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/** A 784-10 model file as saved on MNIST (files made on MNIST name no dataset). */
function mnistModelFile(): string {
  const layers = [{ inputs: 784, outputs: 10, activation: 'Softmax' as const, weights: new Float32Array(7840), biases: new Float32Array(10) }];
  return serializeModel({ config: { ...SEED_CONFIG, layers: [784, 10], activations: ['Softmax'] }, layers, metrics: null });
}

test('a model file saved on MNIST is refused on a 14×14 set, naming both shapes, and the set still trains', async ({ page }, testInfo) => {
  const folder = mnistPngFolder(testInfo.outputPath('digits'), 200);
  await page.goto('/');
  await addPngDigits(page, folder);
  const testCount = Number(/\+ ([\d,]+) images/.exec((await page.locator('.dataset-row', { hasText: 'PNG digits' }).textContent()) ?? '')?.[1]);

  await openTab(page, 'Draw');
  await page.getByLabel('Load model').setInputFiles({ name: 'mnist-model.json', mimeType: 'application/json', buffer: Buffer.from(mnistModelFile()) });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('mnist-model.json was not loaded');
  await expect(alert).toContainText('MNIST (28×28 images, 10 classes)');
  await expect(alert).toContainText('PNG digits (14×14 images, 10 classes)');

  await typeConfigJson(page, { layers: [196, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, batch_size: 8, epochs: 1, seed: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await openTab(page, 'Curves and evaluation');
  expect((await confusionCounts(page)).flat().reduce((sum, count) => sum + count, 0)).toBe(testCount);
});
