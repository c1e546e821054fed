import { writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { shiftedDigitsIdx } from './dataset-files';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

const PHONE = VIEWPORTS.find((viewport) => viewport.name === 'phone')!;
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

test.use(atViewport(PHONE));

/**
 * Each table of the evaluation panel lies within the panel, or scrolls sideways inside a box
 * that does: the overflow of each, in px past the panel's edges (0 when it fits).
 */
function tableOverflows(page: Page): Promise<Record<string, number>> {
  return page.locator('.evaluation-panel table').evaluateAll((tables) =>
    Object.fromEntries(
      tables.map((table) => {
        const panel = table.closest('.panel') as HTMLElement;
        let box: HTMLElement = table as HTMLElement;
        for (let el = table.parentElement; el && el !== panel; el = el.parentElement) {
          const overflow = getComputedStyle(el).overflowX;
          if (overflow === 'auto' || overflow === 'scroll') {
            box = el;
            break;
          }
        }
        const inner = box.getBoundingClientRect();
        const outer = panel.getBoundingClientRect();
        const name = table.getAttribute('aria-label') ?? table.querySelector('caption')?.textContent ?? 'table';
        return [name, Math.max(0, Math.round(inner.right - outer.right), Math.round(outer.left - inner.left))];
      }),
    ),
  );
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

test('on a 390 px phone the evaluation tables fit or scroll inside their own box, on MNIST and on a set with class names', async ({ page }, testInfo) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, samples: 1000, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('table', { name: 'Per-digit metrics' })).toBeAttached();
  expect(await tableOverflows(page)).toEqual({ 'Confusion matrix': 0, 'Per-digit metrics': 0 });
  await expectNoSidewaysScroll(page);

  const labels = testInfo.outputPath('labels.txt');
  writeFileSync(labels, `${CLASSES.join('\n')}\n`);
  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('Named classes');
  await form.getByLabel('IDX files').setInputFiles([...shiftedDigitsIdx(testInfo.outputPath('set'), 1000, 200), labels]);
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();
  await expect(page.getByRole('radio', { name: /^Named classes/ })).toBeChecked({ timeout: 60_000 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('table', { name: 'Per-class metrics' })).toBeAttached();
  expect(await tableOverflows(page)).toEqual({ 'Confusion matrix': 0, 'Per-class metrics': 0 });
  await expectNoSidewaysScroll(page);
});
