import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { clearPad, drawStroke, prediction } from './draw-helpers';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

type Point = [number, number];

/**
 * A 1 written with a flag and a foot, as many people write it: MNIST's 1s are mostly a bare
 * stroke, and a model trained on them reads this as a 2. `dx`, `dy`, `scale` vary the hand.
 */
function flaggedOne(dx: number, dy: number, scale: number): Point[][] {
  const at = ([x, y]: Point): Point => [140 + (x - 140) * scale + dx, 140 + (y - 140) * scale + dy];
  return [
    [at([100, 90]), at([150, 50]), at([150, 230])],
    [at([100, 230]), at([200, 230])],
  ];
}

async function draw(page: Page, strokes: Point[][]): Promise<void> {
  for (const stroke of strokes) await drawStroke(page, stroke);
}

/** The current model as "Save model" downloads it, but the time it was saved. */
async function savedModel(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
  return readFileSync(await download.path(), 'utf8').replace(/"savedAt": "[^"]*"/, '');
}

/** Ten variations of the hand; the probe, flaggedOne(0, 0, 1), is none of them. */
const HAND = [
  [5, 5, 0.88],
  [-20, 0, 0.9],
  [20, -10, 0.85],
  [-10, 15, 0.8],
  [15, 10, 1],
  [-25, -15, 0.75],
  [5, -20, 0.9],
  [25, 20, 0.7],
  [-15, 5, 0.95],
  [10, 0, 0.8],
] as const;

for (const viewport of VIEWPORTS.filter((v) => v.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test('a user teaches the model their flagged 1, which it then reads, with the test accuracy kept; Undo gives the old model back exactly', async ({ page }) => {
      await page.goto('/');
      // A model that reads drawn digits (draw-digits' run): on 3000 images the 784-32-10 network reads even this 1 as a 1 and there is nothing to teach; this one reads plain 1s and 0s but this 1 as a 2.
      await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 64, 10], samples: 6000 });
      await trainButton(page).click();
      await waitForRunEnd(page);

      await draw(page, flaggedOne(0, 0, 1));
      // Read once the whole drawing is: the flag and stem alone are a 1.
      await expect(prediction(page)).toHaveText(/^[02-9]$/);
      const misread = await prediction(page).textContent();
      await clearPad(page);
      const before = await savedModel(page);

      for (const [dx, dy, scale] of HAND) {
        await draw(page, flaggedOne(dx, dy, scale));
        await page.getByLabel('This drawing is').selectOption('1');
        await page.getByRole('button', { name: 'Add to training set' }).click();
        await expect(page.getByRole('button', { name: 'Add to training set' })).toBeDisabled();
      }
      await expect(page.getByLabel('Examples of 1')).toHaveText('10');
      // How sure the model is that each drawing is a 1: under half, as it reads them as something else.
      const sure = page.getByLabel('Confidence in example 10 of 1');
      await expect(sure).toHaveText(/^([0-9]|[1-4][0-9])%$/);

      await page.getByRole('button', { name: 'Fine-tune on my examples' }).click();
      const result = page.getByRole('status', { name: 'Fine-tuning result' });
      await expect(result).toContainText(/held-out examples read right: \d+ of 2 before, \d+ of 2 after/, { timeout: 120_000 });
      // The test set's accuracy after comes with its own evaluation, which may end after the held-out score's.
      await expect(result).toContainText(/Test set accuracy: [\d.]+% before, [\d.]+% after/, { timeout: 120_000 });
      const text = (await result.textContent()) ?? '';
      const [testBefore, testAfter] = [...text.matchAll(/([\d.]+)%/g)].map((m) => Number(m[1]));
      expect(testAfter, text).toBeGreaterThan(testBefore - 0.5);
      expect(text).toContain('0 of 2 before, 2 of 2 after');
      await expect(sure).toHaveText(/^([5-9][0-9]|100)%$/);

      await draw(page, flaggedOne(0, 0, 1));
      await expect(prediction(page)).toHaveText('1');
      await clearPad(page);

      await page.getByRole('button', { name: 'Undo fine-tuning' }).click();
      await expect(result).toHaveCount(0);
      expect(await savedModel(page)).toBe(before);
      await draw(page, flaggedOne(0, 0, 1));
      await expect(prediction(page)).toHaveText(misread ?? '');
    });
  });
}
