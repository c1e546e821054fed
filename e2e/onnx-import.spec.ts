import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import onnxProto from 'onnx-proto';
import { loadMnistNode, mnistDataDir } from '../src/cli/node-mnist.ts';
import { projectPython, runPythonScript, temporaryFolder } from '../src/testing/python-env.ts';
import { drawStroke, verticalLine } from './draw-helpers';
import { openTab } from './helpers';

const python = projectPython();

/** The test accuracy, in percent, of outputs PyTorch wrote for the 10,000 test images. */
function accuracyOf(outputsPath: string): number {
  const raw = readFileSync(outputsPath);
  const outputs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const { labels, count } = loadMnistNode('test');
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = outputs.subarray(i * 10, i * 10 + 10);
    if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
  }
  return (100 * correct) / count;
}

/** An MLP trained and exported by PyTorch's own torch.onnx.export, and the test accuracy of PyTorch's outputs. */
function pytorchOnnx(folder: string): { path: string; accuracy: number } {
  runPythonScript(python, 'torch_mlp_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder]);
  return { path: join(folder, 'torch-mlp.onnx'), accuracy: accuracyOf(join(folder, 'torch-outputs.f32')) };
}

/** The accuracy "Evaluate now" shows for the model loaded. */
async function evaluateNow(page: Page): Promise<number> {
  await openTab(page, 'Curves and evaluation');
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  const overall = page.getByText(/Overall accuracy: \d+\.\d\d%/);
  await expect(overall).toBeVisible({ timeout: 120_000 });
  return Number(/([\d.]+)%/.exec((await overall.textContent()) ?? '')?.[1]);
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
  // As below: PyTorch trains inside the test.
  test.setTimeout(600_000);
  const folder = temporaryFolder('onnx-e2e-');
  const theirs = pytorchOnnx(folder);

  await page.goto('/');
  await openTab(page, 'Draw a digit');
  await page.getByLabel('Load model').setInputFiles(theirs.path);
  await expect(page.getByText('Loaded torch-mlp.onnx: 784-64-32-16-10 ReLU/Tanh/Sigmoid/Softmax.')).toBeVisible();

  const ours = await evaluateNow(page);
  const overall = page.getByText(/Overall accuracy: \d+\.\d\d%/);
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

const CNN = '28×28×1 → conv2d 8×5×5 same ReLU → maxpool2d 2 → conv2d 16×5×5 same ReLU → avgpool2d 3 → flatten → dense 32 ReLU → dense 10 Softmax';

test('a CNN with batch normalisation trained and exported by PyTorch, and its twin in the layout tf2onnx writes for Keras (NHWC), load, show feature maps and score as PyTorch does', async ({ page }) => {
  // PyTorch trains first, inside the test: on a loaded 2-core machine that alone can take minutes.
  test.setTimeout(600_000);
  const folder = temporaryFolder('onnx-cnn-e2e-');
  // A hundred batches of PyTorch training (conv, batchnorm, ReLU, max pool, conv, batchnorm, ReLU, average pool, linear,
  // batchnorm, linear): enough for batch statistics of its own and an accuracy to match, which is the claim, not how high it is.
  runPythonScript(python, 'torch_cnn_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder, '--variant', 'trained', '--steps', '100']);
  const theirs = accuracyOf(join(folder, 'torch.f32'));

  await page.goto('/');
  for (const file of ['nchw.onnx', 'nhwc.onnx']) {
    await openTab(page, 'Draw a digit');
    await page.getByLabel('Load model').setInputFiles(join(folder, file));
    await expect(page.getByText(`Loaded ${file}: ${CNN} (its 3 batch normalisations are folded into the layer before, exact at inference).`)).toBeVisible();

    await drawStroke(page, verticalLine(140, 40, 240));
    const maps = page.getByRole('group', { name: 'Feature maps' });
    await expect(maps).toContainText('Convolution 1 (layer 1): 28×28×8');
    await expect(maps).toContainText('Convolution 2 (layer 3): 14×14×16');
    await expect(maps.getByRole('img')).toHaveCount(8 + 16);

    const ours = await evaluateNow(page);
    console.log(`PyTorch CNN as ${file}: PyTorch ${theirs.toFixed(2)}%, playground ${ours.toFixed(2)}%`);
    expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.02);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('dialog', { name: 'Reset?' }).getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toHaveCount(0);
  }
});
