import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './axe';
import { readFileSync } from 'node:fs';
import { atViewport, chartPointCount, keptCurves, openTab, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

const chart = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
/** The chart's readout: the text its aria-describedby points at. */
const readout = (page: Page, name: string) => page.getByRole('figure', { name }).locator('.chart-readout');
const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true, acceptDownloads: true });

    test(`${viewport.name}: the keyboard reaches each chart and reads its values, a click pins them, and the curves download as CSV`, async ({ page }) => {
      await page.goto('/');
      for (const batch of [16, 64]) {
        await typeConfigJson(page, { ...SMALL_RUN, samples: 800, batch_size: batch });
        await trainButton(page).click();
        await waitForRunEnd(page);
      }

      // The charts take new points at most twice a second: wait for the second run's.
      for (const name of ['Accuracy per epoch', 'Error per epoch']) await expect.poll(() => chartPointCount(page, name)).toBe(2);
      // The within-epoch chart redraws on a throttle: wait for it to hold the points kept with the second run.
      await expect.poll(() => keptCurves(page)).toMatchObject({ batchSize: 64, epochs: 2 });
      const { running } = await keptCurves(page);
      await expect.poll(() => chartPointCount(page, 'Within-epoch learning')).toBe(running);

      // From the panel's button, Tab goes chart by chart: nothing unnamed in between. (The
      // pointer is kept off the charts, which it would otherwise read.)
      await page.mouse.move(0, 0);
      await page.getByRole('button', { name: 'Download CSV' }).focus();
      await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe('Accuracy per epoch');
      await expect(readout(page, 'Accuracy per epoch')).toHaveText(/^Epoch 2: Training accuracy \d+\.\d\d%, Test accuracy \d+\.\d\d%$/);
      await page.keyboard.press('ArrowLeft');
      const epochOne = (await readout(page, 'Accuracy per epoch').textContent()) ?? '';
      expect(epochOne).toMatch(/^Epoch 1: /);
      // The value read is the run's: the epoch table holds the same test accuracy.
      await page.getByText('Epoch by epoch').click();
      const tableTest = await page.getByRole('table', { name: 'Epochs' }).getByRole('row').nth(1).getByRole('cell').last().textContent();
      expect(epochOne).toContain(`Test accuracy ${tableTest}`);
      await chart(page, 'Accuracy per epoch').focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await expect(readout(page, 'Accuracy per epoch')).toHaveText(/^Pinned: Epoch 1: /);
      await page.keyboard.press('Tab');
      await expect(page.getByLabel('Smoothing')).toBeFocused();
      await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe('Within-epoch learning');
      await expect(readout(page, 'Within-epoch learning')).toHaveText(/^Epoch 2, 100% through: Recent accuracy \d+\.\d\d%, Epoch-average accuracy \d+\.\d\d%, Recent loss \d/);
      await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe('Error per epoch');
      await expect(readout(page, 'Error per epoch')).toHaveText(/^Epoch 2: Average error \d\.\d+, Loss \d\.\d+$/);
      // A pinned readout stays when focus leaves its chart.
      await expect(readout(page, 'Accuracy per epoch')).toHaveText(epochOne.replace(/^/, 'Pinned: '));

      // Smoothing adds the smoothed values; a click pins the point under the pointer.
      await page.getByLabel('Smoothing').fill('0.9');
      const within = chart(page, 'Within-epoch learning');
      const box = (await within.boundingBox())!;
      await within.click({ position: { x: box.width * 0.45, y: box.height / 2 } });
      await expect(readout(page, 'Within-epoch learning')).toHaveText(/^Pinned: Epoch 1, \d+% through: Recent accuracy \d+\.\d\d%, smoothed \d+\.\d\d%, /);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      expect(download.suggestedFilename()).toBe('learning-curves.csv');
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv.trimEnd().split('\n');
      expect(JSON.parse(lines.find((line) => line.startsWith('# config: '))!.slice('# config: '.length))).toMatchObject({ samples: 800, batch_size: 64 });
      const epochOneTest = lines.find((line) => line.startsWith('per epoch,1,testAccuracy,'))!.split(',')[3];
      expect(`${(Number(epochOneTest) * 100).toFixed(2)}%`).toBe(tableTest);
      expect(lines.filter((line) => line.startsWith('within epoch,')).length).toBeGreaterThan(8);

      // The runs overlay: seconds labelled as numbers a person writes, values read by keyboard.
      await openTab(page, 'Runs');
      await page.getByRole('checkbox', { name: /^Compare Run 1/ }).check();
      await page.getByRole('checkbox', { name: /^Compare Run 2/ }).check();
      const byTime = page.getByRole('figure', { name: 'Test accuracy by training time' });
      const ticks = byTime.locator('.recharts-xAxis-tick-labels text');
      await expect(ticks.nth(1)).toBeVisible();
      const labels = await ticks.allTextContents();
      for (const label of labels) expect(label.replace(/^0\.0*|\./g, '').length, label).toBeLessThanOrEqual(3);
      await chart(page, 'Test accuracy by training time').focus();
      await page.keyboard.press('End');
      await expect(readout(page, 'Test accuracy by training time')).toHaveText(/^[\d.]+ s of training: Run \d · 784-32-10 · batch \d+ \d+\.\d\d%$/);
      await chart(page, 'Test accuracy by epoch').focus();
      await expect(readout(page, 'Test accuracy by epoch')).toHaveText(/^Epoch 2: Run 1 · [^:]+ \d+\.\d\d%, Run 2 · [^:]+ \d+\.\d\d%$/);
      // The overlay's charts; the runs table above them is the accessibility suite's.
      expect(await axeViolations(page, '.runs-compare')).toEqual([]);
      await openTab(page, 'Curves and evaluation');
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
