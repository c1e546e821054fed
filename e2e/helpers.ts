import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Saves a full-page screenshot under artifacts/screenshots/ (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('artifacts/screenshots', { recursive: true });
  await page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });
}

/** Opens a section of the form (folded at first on a phone) if it is folded. */
export async function unfold(page: Page, section: 'Layers' | 'Training' | 'Overfitting' | 'As JSON'): Promise<void> {
  const toggle = page.getByRole('button', { name: section, exact: true });
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** Replaces the JSON editor's text, as a user pasting a config would. */
export async function typeConfigJson(page: Page, config: Record<string, unknown>): Promise<void> {
  await unfold(page, 'As JSON');
  await page.getByLabel('Config JSON').fill(JSON.stringify(config, null, 2));
}

/** A small network on a few thousand samples: seconds per epoch on a slow machine. */
export const SMALL_RUN = {
  layers: [784, 32, 10],
  activations: ['ReLU', 'Softmax'],
  optimizer: 'adam',
  learning_rate: 0.003,
  batch_size: 16,
  epochs: 2,
  samples: 3000,
  seed: 7,
  init: 'he',
};

/**
 * A link to one sample at a time through 50 epochs: a run that is still going, whatever the
 * machine's speed, while a test looks at the page mid-run (it ends the run with Stop).
 */
export const LONG_RUN =
  '/#layers=784,32,10&activations=ReLU,Softmax&learning_rate=0.002&momentum=0.9&epochs=50&optimizer=adam&batch_size=1' +
  '&seed=1&l2=0&dropout=0&init=he&samples=60000&validation=0&patience=0&augment=false';

export function trainButton(page: Page) {
  return page.getByRole('button', { name: 'Train', exact: true });
}

/** Waits for the run to end (Train enabled again) and for its last evaluation. */
export async function waitForRunEnd(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: /^(Finished|Stopped)/ })).toBeVisible({ timeout });
}

/** The confusion matrix's body cells as numbers, row by row. */
export async function confusionCounts(page: Page): Promise<number[][]> {
  const table = page.getByRole('table', { name: 'Confusion matrix' });
  // The matrix loads with the first evaluation, a moment after the figures above it.
  await table.locator('tbody tr').first().waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => Number(cell.textContent))),
  );
}

/** Pastes the config, trains it to the end and returns the confusion matrix it was evaluated to. */
export async function trainAndReadConfusion(page: Page, config: Record<string, unknown>): Promise<number[][]> {
  await typeConfigJson(page, config);
  await trainButton(page).click();
  await waitForRunEnd(page);
  return confusionCounts(page);
}

/**
 * Points drawn by the longest line of the chart with this name: the M and L commands of
 * its SVG path, or, for a single point that makes no path, its dots (drawn in a layer
 * of their own, one per line).
 */
export async function chartPointCount(page: Page, name: string): Promise<number> {
  const figure = page.getByRole('figure', { name });
  const pathPoints = await figure
    .locator('path.recharts-line-curve')
    .evaluateAll((paths) => paths.map((path) => (path.getAttribute('d')?.match(/[ML]/g) ?? []).length));
  const lines = await figure.locator('.recharts-line').count();
  const dots = await figure.locator('.recharts-line-dot').count();
  return Math.max(0, ...pathPoints, lines > 0 ? Math.floor(dots / lines) : 0);
}

/** The percentage in "Overall accuracy: NN.NN%". */
export async function overallAccuracy(page: Page): Promise<number> {
  const text = await page.getByText(/^Overall accuracy: \d+\.\d\d%$/).textContent();
  return Number(/([\d.]+)%/.exec(text ?? '')?.[1]);
}

/** Opens one of the workbench's tabs: the drawing pad ("Draw a digit" on digits, "Draw" on other sets), the runs, the inside of the network. */
export async function openTab(page: Page, name: 'Curves and evaluation' | 'Draw a digit' | 'Draw' | 'Runs' | 'Inside the network'): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** The screens the issue names: a phone with touch, a laptop and a desktop. */
export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, touch: true },
  { name: 'laptop', width: 1280, height: 720, touch: false },
  { name: 'desktop', width: 1440, height: 900, touch: false },
] as const;

/** Playwright's options for one of VIEWPORTS (for `test.use`). */
export function atViewport(viewport: (typeof VIEWPORTS)[number]) {
  return {
    viewport: { width: viewport.width, height: viewport.height },
    hasTouch: viewport.touch,
    isMobile: viewport.touch,
  };
}

/**
 * Builds a small convolutional network in the form, as a user would, from the default dense
 * one: conv 5×5×8 same ReLU → maxpool 2 → dense 10 Softmax.
 */
export async function buildCnnInForm(page: Page): Promise<void> {
  await unfold(page, 'Layers');
  await page.getByLabel('Hidden layer 1 Type').selectOption('Convolution');
  await page.getByLabel('Hidden layer 1 Filters').fill('8');
  await page.getByLabel('Hidden layer 1 Kernel size').fill('5');
  await page.getByLabel('Hidden layer 1 Padding').selectOption('same');
  await page.getByLabel('Hidden layer 1 Activation').selectOption('ReLU');
  await page.getByRole('button', { name: 'Add hidden layer' }).click();
  await page.getByLabel('Hidden layer 2 Type').selectOption('Max pooling');
  await expect(page.locator('.layers > li.layer')).toHaveCount(4);
}

/**
 * Adds a folder of images (one subfolder per class) through the dataset picker as "PNG digits" at 14×14,
 * and waits until it is the active set; its radio button is returned.
 */
export async function addPngDigits(page: Page, folder: string, testFraction?: number): Promise<Locator> {
  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add a folder of images' });
  await form.getByLabel('Name').fill('PNG digits');
  await form.getByLabel('Folder').setInputFiles(folder);
  await form.getByLabel('Image size (pixels)').fill('14');
  if (testFraction !== undefined) await form.getByLabel('Test fraction').fill(String(testFraction));
  await form.getByRole('button', { name: 'Add image dataset' }).click();
  const radio = page.getByRole('radio', { name: /^PNG digits/ });
  await expect(radio).toBeChecked({ timeout: 60_000 });
  return radio;
}

/** The batch size and the points of each curve (per epoch, and within the epochs) of the results kept with the latest model in this browser. */
export function keptCurves(page: Page): Promise<{ batchSize: number | null; epochs: number; running: number }> {
  return page.evaluate(
    () =>
      new Promise<{ batchSize: number | null; epochs: number; running: number }>((resolve) => {
        const none = { batchSize: null, epochs: 0, running: 0 };
        const opened = indexedDB.open('mnist-playground-models');
        opened.onsuccess = () => {
          const db = opened.result;
          if (!db.objectStoreNames.contains('models')) return resolve(none);
          const read = db.transaction('models').objectStore('models').get('latest-view');
          read.onsuccess = () => {
            const view = read.result as { runConfig: { batchSize: number } | null; epochs: { points: unknown[] }; running: { points: unknown[] } } | undefined;
            resolve(view ? { batchSize: view.runConfig?.batchSize ?? null, epochs: view.epochs.points.length, running: view.running.points.length } : none);
          };
          read.onerror = () => resolve(none);
        };
        opened.onerror = () => resolve(none);
      }),
  );
}
