import { expect, test } from '@playwright/test';
import { addExample, downloads, drawStroke, ellipse, prediction, verticalLine, type Point } from './draw-helpers';
import { atViewport, openTab, overallAccuracy, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

/**
 * The three shapes, each drawn 10 times a little moved and resized, as a hand would: one in five
 * is held out, so each class has two drawings to test on.
 */
const SHAPES: Record<string, (dx: number, dy: number, s: number) => Point[][]> = {
  I: (dx, dy, s) => [verticalLine(140 + dx, 140 + dy - 90 * s, 140 + dy + 90 * s)],
  O: (dx, dy, s) => [ellipse(140 + dx, 140 + dy, 70 * s, 85 * s)],
  Z: (dx, dy, s) => [
    [
      [140 + dx - 70 * s, 140 + dy - 80 * s],
      [140 + dx + 70 * s, 140 + dy - 80 * s],
      [140 + dx - 70 * s, 140 + dy + 80 * s],
      [140 + dx + 70 * s, 140 + dy + 80 * s],
    ],
  ],
};
const HAND = Array.from({ length: 10 }, (_, i): [number, number, number] => [((i * 37) % 50) - 25, ((i * 23) % 40) - 20, 0.7 + ((i * 7) % 4) / 10]);

// At the laptop size only: 30 drawings take a while, and drawing by touch on the phone is the
// fine-tune and draw-examples stories' part.
for (const viewport of VIEWPORTS.filter((v) => v.name === 'laptop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test('a user makes a dataset of three drawn shapes, trains it once each has enough drawings, and exports it as IDX files that add back byte for byte', async ({ page }) => {
      // 30 drawings by mouse, each about a hundred pointer events.
      test.setTimeout(300_000);
      await page.goto('/');
      await page.getByText('Add a dataset').click();
      const form = page.getByRole('form', { name: 'New drawn dataset' });
      await form.getByLabel('Name', { exact: true }).fill('Shapes');
      await form.getByLabel('Class names').fill('I, O, Z');
      await form.getByRole('button', { name: 'New drawn dataset' }).click();
      await expect(page.getByRole('radio', { name: /Shapes/ })).toBeChecked();
      await expect(page.getByText(/Augmentation is on/)).toBeVisible();

      await openTab(page, 'Draw');
      const needed = page.getByRole('note', { name: 'Drawings needed' });
      await expect(needed).toContainText('Each class needs at least 5 drawings before training (I has 0, O has 0, Z has 0)');
      for (const [name, shape] of Object.entries(SHAPES)) {
        for (const [dx, dy, s] of HAND.slice(0, 2)) await addExample(page, shape(dx, dy, s), name);
      }
      // Too few to train: Train says why and starts nothing.
      await trainButton(page).click();
      await expect(page.getByText(/Each class needs at least 5 drawings before training \(I has 2, O has 2, Z has 2\)/).first()).toBeVisible();

      await openTab(page, 'Draw');
      for (const [name, shape] of Object.entries(SHAPES)) {
        for (const [dx, dy, s] of HAND.slice(2)) await addExample(page, shape(dx, dy, s), name);
        await expect(page.getByLabel(`Examples of ${name}`)).toHaveText('10');
      }
      await expect(needed).toContainText('Every class has enough drawings to train on');

      // 24 drawings to learn from, 6 held out: many short epochs, each drawing also seen moved and turned.
      await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 32, 3], batch_size: 4, epochs: 25, augment: true });
      await trainButton(page).click();
      await waitForRunEnd(page);
      await openTab(page, 'Curves and evaluation');
      await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
      expect(await overallAccuracy(page)).toBeGreaterThanOrEqual(90);
      // The rest of the page works on it as on any set: the per-class table names its classes, a
      // cell opens its drawings, and the address (the link Copy link gives) carries the set's marker.
      await expect(page.getByRole('table', { name: 'Per-class metrics' }).locator('tbody th')).toHaveText(['I', 'O', 'Z']);
      await page.getByRole('button', { name: /^Actual O, predicted O: [1-9]\d* images$/ }).click();
      const cell = page.getByRole('dialog');
      await expect(cell.getByRole('img').first()).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(cell).toHaveCount(0);
      await expect.poll(() => page.url()).toContain('&dataset=Shapes_28_28_3');

      await openTab(page, 'Draw');
      await drawStroke(page, SHAPES.Z(10, -10, 0.8)[0]);
      await expect(prediction(page)).toHaveText('Z');

      const exported = await downloads(page, 5, () => page.getByRole('button', { name: 'Export Shapes as IDX files' }).click());
      expect(exported.get('train-labels-idx1-ubyte')?.length).toBe(8 + 24);
      expect(exported.get('t10k-labels-idx1-ubyte')?.length).toBe(8 + 6);
      expect(exported.get('labels.txt')?.toString()).toBe('I\nO\nZ\n');
      const idx = page.getByRole('form', { name: 'Add IDX files' });
      await idx.getByLabel('Name').fill('Shapes again');
      await idx.getByLabel('IDX files').setInputFiles([...exported].map(([name, buffer]) => ({ name, mimeType: 'application/octet-stream', buffer })));
      await idx.getByRole('button', { name: 'Add IDX dataset' }).click();
      await expect(page.getByRole('radio', { name: /Shapes again/ })).toBeChecked();
      const again = await downloads(page, 5, () => page.getByRole('button', { name: 'Export Shapes again as IDX files' }).click());
      for (const [name, bytes] of exported) expect(again.get(name)?.equals(bytes), `${name} byte for byte`).toBe(true);
    });
  });
}
