import { expect, test } from '@playwright/test';
import { exportOnnx } from '../src/export/onnx.ts';
import { parseModel } from '../src/formats/model-format.ts';
import { openTab } from './helpers';

/** 784-1-10 in ONNX, as the export writes it. */
function smallOnnx(): Buffer {
  const hidden = { rows: 1, cols: 785, data: new Array(785).fill(0.01) };
  const output = { rows: 10, cols: 2, data: Array.from({ length: 20 }, (_, i) => i / 20) };
  const model = parseModel(JSON.stringify({ layers: [784, 1, 10], weights: [hidden, output], activation_types: ['Sigmoid', 'Softmax'], learning_rate: 0.1, momentum: 0.9 }));
  return Buffer.from(exportOnnx(model));
}

test('an ONNX file is read in the worker: a good one loads, random bytes are refused naming the file', async ({ page }) => {
  await page.goto('/');
  await openTab(page, 'Draw a digit');
  const load = page.getByLabel('Load model');
  await load.setInputFiles({ name: 'noise.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 89 + 7) % 256)) });
  await expect(page.getByRole('alert')).toContainText('noise.onnx was not loaded: not an ONNX model');
  await load.setInputFiles({ name: 'small.onnx', mimeType: 'application/octet-stream', buffer: smallOnnx() });
  await expect(page.getByText('Loaded small.onnx: 784-1-10 Sigmoid/Softmax.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'A model is loaded.' })).toBeVisible();
});
