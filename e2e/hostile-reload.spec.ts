import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { idxImageFile, idxLabelFile, mnistPngFolder } from './dataset-files';
import { addPngDigits, openTab, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('after hostile links and files, a reload finds the datasets, the run and the model as they were', async ({ page }, testInfo) => {
  await page.goto('/');
  const digits = await addPngDigits(page, mnistPngFolder(testInfo.outputPath('digits'), 100), 0.25);
  await typeConfigJson(page, { layers: [196, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, batch_size: 8, epochs: 1, seed: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);

  // A link whose marker claims billions of classes, then one whose config is refused.
  await page.goto('/#layers=196,16,10&activations=ReLU,Softmax&dataset=x_28_28_4294967296');
  await expect(page.getByText(/The dataset named in this link, x, was not read/)).toBeVisible();
  await page.goto('/#layers=784,1000000000,10&activations=ReLU,Softmax');
  await expect(page.getByRole('alert').filter({ hasText: 'The config in this link was not loaded' })).toBeVisible();

  // Files: images too large for any network here, and a gzip whose trailer lies.
  const dir = testInfo.outputPath('sets');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const lying = gzipSync(idxImageFile(6, 12, 12));
  lying.writeUInt32LE(16 + 3 * 144, lying.length - 4);
  // The picker's "Add a dataset" is still open from adding the digits (the links changed only the hash).
  const form = page.getByRole('form', { name: 'Add IDX files' });
  if (!(await form.isVisible())) await page.getByText('Add a dataset').click();
  const add = async (name: string, files: string[]) => {
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('IDX files').setInputFiles(files);
    await form.getByRole('button', { name: 'Add IDX dataset' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `${name} was not added` })).toBeVisible();
    await page.getByRole('alert').filter({ hasText: `${name} was not added` }).getByRole('button', { name: 'Dismiss' }).click();
  };
  const labels = file('train-labels-idx1-ubyte', idxLabelFile([0, 1, 2, 0, 1, 2]));
  const testLabels = file('t10k-labels-idx1-ubyte', idxLabelFile([0]));
  await add('Wide', [file('train-images-idx3-ubyte', idxImageFile(6, 1000, 1000)), labels, file('t10k-images-idx3-ubyte', idxImageFile(1, 1000, 1000)), testLabels]);
  await add('Lying', [file('train-images-idx3-ubyte.gz', lying), labels, file('t10k-images-idx3-ubyte', idxImageFile(1, 12, 12)), testLabels]);

  await page.reload();
  await expect(digits).toBeChecked();
  await expect(page.locator('.dataset-row')).toHaveCount(2);
  await openTab(page, 'Runs');
  const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ has: page.getByRole('textbox', { name: 'Run name' }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(/\d+\.\d\d%/);
  await openTab(page, 'Draw');
  await expect(page.getByText(/Restored your last model \(196-16-10 ReLU\/Softmax\)/)).toBeVisible();
});
