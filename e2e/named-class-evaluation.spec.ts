import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test(`${viewport.name}: a set with class names is evaluated in its own words, within the screen’s width`, async ({ page }, testInfo) => {
      const labels = testInfo.outputPath('labels.txt');
      writeFileSync(labels, `${CLASSES.join('\n')}\n`);
      await page.goto('/');
      await page.getByText('Add a dataset').click();
      const form = page.getByRole('form', { name: 'Add IDX files' });
      await form.getByLabel('Name').fill('Fashion-MNIST');
      await form.getByLabel('IDX files').setInputFiles([...FASHION_FILES.map((name) => join(FASHION, name)), labels]);
      await form.getByRole('button', { name: 'Add IDX dataset' }).click();
      await expect(page.getByRole('radio', { name: /^Fashion-MNIST/ })).toBeChecked({ timeout: 60_000 });
      await page.getByText('Add a dataset').click();
      await expect(form).toBeHidden();

      await typeConfigJson(page, { ...SMALL_RUN, samples: 6000, epochs: 1 });
      await trainButton(page).click();
      await waitForRunEnd(page);
      const table = page.getByRole('table', { name: 'Per-class metrics' });
      await expect(table.getByRole('rowheader', { name: 'Ankle boot' })).toBeVisible();
      await expect(page.getByRole('table', { name: 'Confusion matrix' })).toContainText('Sneaker');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      // One epoch run, one epoch on the axis: no tick at an epoch 2 that never happened.
      const epochTicks = page.getByRole('figure', { name: 'Accuracy per epoch' }).locator('.recharts-xAxis-tick-labels text');
      await expect(epochTicks.first()).toBeVisible();
      expect(await epochTicks.allTextContents()).toEqual(['1']);
      // The per-class table fits its panel: no column (Images, last) is hidden behind a sideways scroll.
      const tableBox = page.getByRole('region', { name: 'Per-class metrics' });
      expect(await tableBox.evaluate((box) => box.scrollWidth - box.clientWidth)).toBeLessThanOrEqual(0);

      // The README's picture of a named-class set's evaluation: the screen with the panel's top at its top.
      await page.getByRole('region', { name: 'Evaluation' }).evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
      await page.getByRole('complementary', { name: 'Dataset and network settings' }).evaluate((sidebar) => sidebar.scrollTo(0, 0));
      await page.screenshot({ path: `artifacts/screenshots/evaluation-fashion-${viewport.width}x${viewport.height}.png` });
    });
  });
}
