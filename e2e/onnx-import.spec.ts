import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import onnxProto from 'onnx-proto';
import { loadMnistNode, mnistDataDir } from '../src/cli/node-mnist.ts';
import { projectPython, runPythonScript, temporaryFolder } from '../src/testing/python-env.ts';
import { openTab } from './helpers';

const python = projectPython();

/** An MLP trained and exported by PyTorch's own torch.onnx.export, and the test accuracy of PyTorch's outputs. */
function pytorchOnnx(folder: string): { path: string; accuracy: number } {
  runPythonScript(python, 'torch_mlp_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder]);
  const raw = readFileSync(join(folder, 'torch-outputs.f32'));
  const outputs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const { labels, count } = loadMnistNode('test');
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = outputs.subarray(i * 10, i * 10 + 10);
    if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
  }
  return { path: join(folder, 'torch-mlp.onnx'), accuracy: (100 * correct) / count };
}

/** A valid ONNX graph built from operators the playground has no layer for. */
function unsupportedOnnx(folder: string): string {
  const bytes = onnxProto.onnx.ModelProto.encode({
    irVersion: 7,
    producerName: 'elsewhere',
    opsetImport: [{ version: 13 }],
    graph: {
      node: [
        { opType: 'LSTM', input: ['x', 'w', 'r'], output: ['h'] },
        { opType: 'Einsum', input: ['h'], output: ['y'] },
      ],
      input: [{ name: 'x' }],
      output: [{ name: 'y' }],
    },
  }).finish();
  const path = join(folder, 'recurrent.onnx');
  writeFileSync(path, bytes);
  return path;
}

test('a PyTorch model exported to ONNX elsewhere loads and scores as PyTorch does; an ONNX graph of other operators is refused by name', async ({ page }) => {
  test.setTimeout(300_000);
  const folder = temporaryFolder('onnx-e2e-');
  const theirs = pytorchOnnx(folder);

  await page.goto('/');
  await openTab(page, 'Draw a digit');
  await page.getByLabel('Load model').setInputFiles(theirs.path);
  await expect(page.getByText('Loaded torch-mlp.onnx: 784-64-32-16-10 ReLU/Tanh/Sigmoid/Softmax.')).toBeVisible();

  await openTab(page, 'Curves and evaluation');
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  const overall = page.getByText(/Overall accuracy: \d+\.\d\d%/);
  await expect(overall).toBeVisible({ timeout: 120_000 });
  const ours = Number(/([\d.]+)%/.exec((await overall.textContent()) ?? '')?.[1]);
  console.log(`torch.onnx.export MLP: PyTorch ${theirs.accuracy.toFixed(2)}%, playground ${ours.toFixed(2)}%`);
  expect(Math.abs(ours - theirs.accuracy)).toBeLessThanOrEqual(0.02);

  await openTab(page, 'Draw a digit');
  await page.getByLabel('Load model').setInputFiles(unsupportedOnnx(folder));
  await expect(page.getByRole('alert')).toContainText('recurrent.onnx was not loaded');
  await expect(page.getByRole('alert')).toContainText('LSTM, Einsum');
  await expect(page.getByRole('alert')).toContainText('The current model is unchanged.');
  // It is: the same evaluation comes back for the model still loaded.
  await openTab(page, 'Curves and evaluation');
  await expect(overall).toHaveText(new RegExp(`Overall accuracy: ${ours.toFixed(2)}%`));
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(overall).toHaveText(new RegExp(`Overall accuracy: ${ours.toFixed(2)}%`));
});
