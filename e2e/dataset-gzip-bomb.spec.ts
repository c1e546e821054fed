import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { idxImageFile, idxLabelFile } from './dataset-files';

test('a gzip bomb whose trailer claims a small size is stopped at the cap with a message, and the worker lives on', async ({ page }, testInfo) => {
  const dir = testInfo.outputPath('bomb');
  mkdirSync(dir, { recursive: true });
  // 600 gzip members of 1 MB of zeros: 600 KB on disk, 600 MB inflated; the last trailer says 784016 bytes.
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  const bomb = Buffer.concat(Array.from({ length: 600 }, () => member));
  bomb.writeUInt32LE(784016, bomb.length - 4);
  const file = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const files = [
    file('train-images-idx3-ubyte.gz', bomb),
    file('train-labels-idx1-ubyte', idxLabelFile([0, 1, 2])),
    file('t10k-images-idx3-ubyte', idxImageFile(3, 12, 12)),
    file('t10k-labels-idx1-ubyte', idxLabelFile([0, 1, 2])),
  ];
  await page.goto('/');
  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('Bomb');
  await form.getByLabel('IDX files').setInputFiles(files);
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'Bomb was not added: train-images-idx3-ubyte.gz: too large for memory: its decompressed bytes pass the 512.0 MB a dataset may hold',
    { timeout: 120_000 },
  );
  await expect(page.getByText(/The training worker stopped/)).toHaveCount(0);
  await expect(page.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Bomb/ })).toHaveCount(0);
});
