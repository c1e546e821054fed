import { expect, test } from '@playwright/test';
import { mnistPngFolder } from './dataset-files';
import { addPngDigits, trainAndReadConfusion } from './helpers';

test('the active dataset is still active after a reload (and in the copied link); once deleted behind the page, MNIST is, and a note says why', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const folder = mnistPngFolder(testInfo.outputPath('digits'), 200);
  await page.goto('/');
  const pngDigits = await addPngDigits(page, folder, 0.25);
  const id = await pngDigits.getAttribute('value');
  const testCount = Number(/\+ ([\d,]+) images/.exec((await page.locator('.dataset-row', { hasText: 'PNG digits' }).textContent()) ?? '')?.[1]);

  await page.reload();
  await expect(pngDigits).toBeChecked();
  await expect(page.getByRole('radio', { name: /^MNIST/ })).not.toBeChecked();
  // "Copy link" copies the address bar's link, with the same marker of the local set.
  await expect.poll(() => page.url()).toContain('&dataset=PNG%20digits_14_14_10');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  // The worker holds it again: a run trains and evaluates on its test images, not MNIST's 10,000.
  const counts = await trainAndReadConfusion(page, { layers: [196, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, batch_size: 8, epochs: 1, seed: 1 });
  expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(testCount);

  // Deleted outside this page (another tab, the browser's data settings): the next visit opens with MNIST.
  await page.evaluate(
    (key) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('mnist-playground-datasets');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const transaction = open.result.transaction('datasets', 'readwrite');
          transaction.objectStore('datasets').delete(key!);
          transaction.oncomplete = () => resolve();
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    id,
  );
  await page.reload();
  await expect(page.getByText('PNG digits, the dataset you used last time, is no longer kept in this browser, so MNIST is active.')).toBeVisible();
  await expect(page.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
  await expect(pngDigits).toHaveCount(0);
});
