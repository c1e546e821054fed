import { expect, test, type Page } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/** Each cached file's stored size in bytes, by key (the worker's cache shares the page's origin). */
function cachedSizes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('mnist-playground-data');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('idx-files')) return resolve({});
          const sizes: Record<string, number> = {};
          const cursor = db.transaction('idx-files').objectStore('idx-files').openCursor();
          cursor.onerror = () => reject(cursor.error);
          cursor.onsuccess = () => {
            const entry = cursor.result;
            if (!entry) {
              db.close();
              return resolve(sizes);
            }
            const value: unknown = entry.value;
            sizes[String(entry.key)] = value instanceof Blob ? value.size : -1;
            entry.continue();
          };
        };
      }),
  );
}

/** The four files, whole, each kept as a Blob (a plain array is counted as -1). */
const WHOLE = {
  'mnist/train-images-idx3-ubyte': 47_040_016,
  'mnist/train-labels-idx1-ubyte': 60_008,
  'mnist/t10k-images-idx3-ubyte': 7_840_016,
  'mnist/t10k-labels-idx1-ubyte': 10_008,
};

function dataRequests(page: Page): string[] {
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.gz')) requests.push(request.url());
  });
  return requests;
}

test('MNIST is kept in this browser while the first run trains, and after a reload it trains without the server', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect.poll(() => cachedSizes(page), { timeout: 30_000 }).toEqual(WHOLE);

  await page.reload();
  const requests = dataRequests(page);
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  expect(requests).toEqual([]);
  const download = page.locator('.progress', { has: page.getByRole('progressbar', { name: 'Dataset download' }) }).locator('.progress-detail');
  await expect(download).toContainText('Ready: 60,000 + 10,000 test images');
});

test('a page reloaded as soon as the run starts leaves each split cached whole or not at all, and trains after it', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /^(Starting…|Training epoch|Finished)/ })).toBeVisible({ timeout: 60_000 });
  await page.reload();

  const sizes = await cachedSizes(page);
  for (const split of ['train', 't10k']) {
    const images = `mnist/${split}-images-idx3-ubyte`;
    const labels = `mnist/${split}-labels-idx1-ubyte`;
    const kept = Object.fromEntries(Object.entries(sizes).filter(([key]) => key === images || key === labels));
    expect([{}, { [images]: WHOLE[images as keyof typeof WHOLE], [labels]: WHOLE[labels as keyof typeof WHOLE] }]).toContainEqual(kept);
  }
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('when this browser’s storage is too full to keep MNIST, the run still trains and the next one downloads again', async ({ page, context, baseURL }) => {
  await page.goto('/');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 3 * 1024 ** 2 });
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Each split's two files are written together: neither image file fits, so no labels are kept alone either.
  expect(await cachedSizes(page)).toEqual({});

  await page.reload();
  const requests = dataRequests(page);
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  expect(requests.length).toBe(4);
});
