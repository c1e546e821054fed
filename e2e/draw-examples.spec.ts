import { expect, test, type Page } from '@playwright/test';
import { addExample, downloads, ellipse, verticalLine } from './draw-helpers';
import { atViewport, openTab, VIEWPORTS } from './helpers';

/** The drawn examples stored in this browser, as the page wrote them: dataset and label of each. */
function storedExamples(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ key: string; datasetId: unknown }[]>((resolve, reject) => {
        const open = indexedDB.open('mnist-playground-drawn-examples');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('examples').objectStore('examples');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => resolve(values.result.map((v: { datasetId?: unknown }, i) => ({ key: String(keys.result[i]), datasetId: v?.datasetId })));
        };
      }),
  );
}

for (const viewport of VIEWPORTS.filter((v) => v.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test('a user keeps drawn examples per class, exports them as IDX files that add back byte for byte, and finds them after a reload', async ({ page }) => {
      await page.goto('/');
      await openTab(page, 'Draw a digit');
      const mine = page.getByRole('region', { name: 'Your examples' });
      for (let i = 0; i < 5; i++) await addExample(page, verticalLine(110 + 12 * i, 50, 230), '1');
      await addExample(page, ellipse(140, 140, 65, 95), '0');

      await expect(mine.getByLabel('Examples of 1')).toHaveText('5');
      await expect(mine.getByLabel('Examples of 0')).toHaveText('1');
      await expect(mine.getByRole('img', { name: 'Example 5 of 1' })).toBeVisible();
      // The examples wrap on a phone: the page does not scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      // One drawing of 0 beside five of 1: the page says the network will learn little of it.
      await expect(mine.getByRole('note', { name: 'Few examples' })).toContainText('0 has 1, far fewer than the 5 of the fullest class');

      await mine.getByRole('button', { name: 'Remove example 5 of 1' }).click();
      await expect(mine.getByLabel('Examples of 1')).toHaveText('4');
      await expect(mine.getByRole('img', { name: 'Example 5 of 1' })).toHaveCount(0);
      await expect(mine.getByRole('heading')).toHaveText('Your examples (5)');

      const exported = await downloads(page, 5, () => mine.getByRole('button', { name: 'Export as IDX files' }).click());
      expect([...exported.keys()].sort()).toEqual(['labels.txt', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
      // 4 of 1 and 1 of 0: nothing is the fifth of its class yet, so all five are for training.
      expect(exported.get('train-labels-idx1-ubyte')?.subarray(8)).toEqual(Buffer.from([1, 1, 1, 1, 0]));
      expect(exported.get('train-images-idx3-ubyte')?.length).toBe(16 + 5 * 784);

      await page.getByText('Add a dataset').click();
      const form = page.getByRole('form', { name: 'Add IDX files' });
      await form.getByLabel('Name').fill('My strokes');
      await form.getByLabel('IDX files').setInputFiles([...exported].map(([name, buffer]) => ({ name, mimeType: 'application/octet-stream', buffer })));
      await form.getByRole('button', { name: 'Add IDX dataset' }).click();
      await expect(page.getByRole('radio', { name: /My strokes/ })).toBeChecked();
      const again = await downloads(page, 5, () => page.getByRole('button', { name: 'Export My strokes as IDX files' }).click());
      for (const [name, bytes] of exported) expect(again.get(name)?.equals(bytes), `${name} byte for byte`).toBe(true);

      // Examples belong to their dataset: My strokes has none, and one drawn for it goes with it.
      // Its classes are numbered, not named digits, so its pad is "Draw".
      await openTab(page, 'Draw');
      await expect(mine.getByRole('heading')).toHaveText('Your examples (0)');
      await addExample(page, verticalLine(140, 40, 220), '7');
      await expect(mine.getByLabel('Examples of 7')).toHaveText('1');
      await page.getByRole('button', { name: 'Delete My strokes' }).click();
      await expect(page.getByRole('radio', { name: /My strokes/ })).toHaveCount(0);
      await expect(mine.getByLabel('Examples of 1')).toHaveText('4');
      await expect.poll(async () => (await storedExamples(page)).map((e) => e.datasetId)).toEqual(['mnist', 'mnist', 'mnist', 'mnist', 'mnist']);

      // A damaged entry and one this page never wrote are reported and skipped; the others load.
      await page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('mnist-playground-drawn-examples');
            open.onsuccess = () => {
              const transaction = open.result.transaction('examples', 'readwrite');
              transaction.objectStore('examples').put({ id: 'x', datasetId: 'mnist', label: 42 }, 'damaged');
              transaction.objectStore('examples').put('hello', 'foreign');
              transaction.oncomplete = () => resolve();
              transaction.onerror = () => reject(transaction.error);
            };
          }),
      );
      await page.reload();
      await openTab(page, 'Draw a digit');
      await expect(mine.getByLabel('Examples of 1')).toHaveText('4');
      await expect(mine.getByLabel('Examples of 0')).toHaveText('1');
      await expect(mine.getByRole('alert')).toContainText('2 stored examples could not be read and were skipped');
      await expect(mine.getByRole('alert')).toContainText('damaged: label 42 is not one of the 10 classes');
      await expect(mine.getByRole('alert')).toContainText('foreign: not a drawn example');
    });
  });
}
