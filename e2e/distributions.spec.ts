import { expect, test } from '@playwright/test';
import { axeViolations } from './axe';
import { atViewport, openTab, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: distributions over time, an epoch slider, dead ReLUs and charts read by keyboard`, async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, samples: 2000 });
      await trainButton(page).click();
      await waitForRunEnd(page);
      await openTab(page, 'Inside the network');

      const panel = page.getByRole('region', { name: 'Distributions over time' });
      await expect(panel.getByLabel('Layer', { exact: true })).toHaveValue('0');
      await expect(panel.getByLabel('Layer', { exact: true }).locator('option')).toHaveText(['Layer 1: dense, 32 units, ReLU', 'Layer 2: dense, 10 units, Softmax']);

      // Recorded before training and after each of the two epochs; the slider starts at the newest.
      const slider = panel.getByRole('slider', { name: 'Epoch' });
      await expect(slider).toHaveAttribute('aria-valuetext', 'After epoch 2');
      await slider.focus();
      await page.keyboard.press('ArrowLeft');
      await expect(slider).toHaveAttribute('aria-valuetext', 'After epoch 1');
      await expect(panel.locator('output')).toHaveText('After epoch 1');
      await page.keyboard.press('Home');
      await expect(slider).toHaveAttribute('aria-valuetext', 'Before training');
      await expect(panel.getByRole('figure', { name: 'Gradients of layer 1' })).toContainText('No gradient before the first batch.');
      await page.keyboard.press('End');
      await expect(slider).toHaveAttribute('aria-valuetext', 'After epoch 2');

      // Three ridges of three histograms each (the gradients' has none before training).
      await expect(panel.locator('.ridge-lines')).toHaveCount(3);
      await expect(panel.getByRole('figure', { name: 'Weights of layer 1' }).locator('.ridge-lines path')).toHaveCount(3);
      await expect(panel.getByRole('figure', { name: 'Gradients of layer 1' }).locator('.ridge-lines path')).toHaveCount(2);

      const dead = panel.getByRole('region', { name: 'Dead ReLUs' });
      await expect(dead).toContainText(/Units never above zero on any of the 1,000 test images, after epoch 2/);
      await expect(dead.getByRole('listitem')).toHaveText([/^Layer 1: dense, 32 units, ReLU: \d+ dead of 32 \(\d+\.\d%\)$/]);

      // The weights' chart reads out bin by bin, by keyboard.
      const weights = panel.getByRole('group', { name: 'Weights of layer 1' });
      await weights.focus();
      await page.keyboard.press('Home');
      const readout = panel.getByRole('figure', { name: 'Weights of layer 1' }).locator('.chart-readout');
      await expect(readout).toHaveText(/^After epoch 2, −[\d.]+ to −[\d.]+: Values [\d,]+, Share \d+\.\d\d%$/);
      const first = await readout.textContent();
      await page.keyboard.press('ArrowRight');
      await expect(readout).not.toHaveText(first ?? '');

      // The other layer: a Softmax's outputs span 0 to 1.
      await panel.getByLabel('Layer', { exact: true }).selectOption('1');
      await expect(panel.getByRole('figure', { name: 'Activations of layer 2' }).locator('.ridge-axis text')).toHaveText(['0', '1']);

      expect(await axeViolations(page)).toEqual([]);
      await panel.screenshot({ path: `artifacts/screenshots/distributions-${viewport.name}.png` });
    });
  });
}
