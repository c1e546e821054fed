import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { importOnnx } from '../src/export/onnx-import.ts';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a user reads the PyTorch code for an edited config, trains briefly, and exports the model to ONNX, PyTorch and TF.js', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await page.getByRole('tab', { name: 'Take it further' }).click();
  const panel = page.getByRole('region', { name: 'Take it further' });
  await expect(panel.getByRole('button', { name: 'Export model' })).toBeDisabled();

  // Before any training: the code follows the config being edited.
  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 48, 10], learning_rate: 0.004 });
  await panel.getByRole('button', { name: 'Show code' }).click();
  const modelPy = panel.getByLabel('model.py', { exact: true });
  await expect(modelPy).toContainText('nn.Linear(784, 48)');
  await expect(modelPy).toContainText('"learning_rate":0.004');
  await expect(panel.getByLabel('train.py', { exact: true })).toContainText('DistributedDataParallel');
  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 40, 10] });
  await expect(modelPy).toContainText('nn.Linear(784, 40)');
  await panel.getByRole('button', { name: 'Copy model.py' }).click();
  await expect(panel.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('nn.Linear(40, 10)');

  await trainButton(page).click();
  await waitForRunEnd(page);

  const exportAs = async (label: string) => {
    await panel.getByLabel('Format').selectOption({ label });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export model' }).click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  };
  // 784·40 + 40 + 40·10 + 10 parameters, 4 bytes each: 127,400 bytes of weights in every format.
  const weightBytes = 4 * (784 * 40 + 40 + 40 * 10 + 10);

  const onnx = await exportAs('ONNX (.onnx)');
  expect(onnx.name).toBe('mnist-model.onnx');
  expect(onnx.bytes.length).toBeGreaterThan(weightBytes);
  expect(onnx.bytes.length).toBeLessThan(weightBytes + 4096);
  expect(importOnnx(onnx.bytes).config.layers).toEqual([784, 40, 10]);

  const torch = await exportAs('PyTorch (model.py, train.py, .safetensors)');
  expect(torch.name).toBe('mnist-pytorch.zip');
  const torchFiles = unzipSync(torch.bytes);
  expect(Object.keys(torchFiles).sort()).toEqual(['model.py', 'model.safetensors', 'train.py']);
  expect(torchFiles['model.safetensors'].length).toBeGreaterThan(weightBytes);
  expect(torchFiles['model.safetensors'].length).toBeLessThan(weightBytes + 1024);
  expect(new TextDecoder().decode(torchFiles['model.py'])).toContain('nn.Linear(784, 40)');

  const tfjs = await exportAs('TensorFlow.js Layers (model.json + weights)');
  expect(tfjs.name).toBe('mnist-tfjs.zip');
  const tfjsFiles = unzipSync(tfjs.bytes);
  expect(tfjsFiles['model.weights.bin'].length).toBe(weightBytes);
  expect(JSON.parse(new TextDecoder().decode(tfjsFiles['model.json'])).format).toBe('layers-model');
});
