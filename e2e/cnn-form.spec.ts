import { expect, test, type Page } from '@playwright/test';

/** Builds ConvNetJS's first layers in the form, as a user would: conv 5×5×8 same ReLU → maxpool 2 → dense 10 Softmax. */
async function buildCnn(page: Page): Promise<void> {
  await page.getByLabel('Hidden layer 1 Type').selectOption('Convolution');
  await page.getByLabel('Hidden layer 1 Filters').fill('8');
  await page.getByLabel('Hidden layer 1 Kernel size').fill('5');
  await page.getByLabel('Hidden layer 1 Padding').selectOption('same');
  await page.getByLabel('Hidden layer 1 Activation').selectOption('ReLU');
  await page.getByRole('button', { name: 'Add hidden layer' }).click();
  await page.getByLabel('Hidden layer 2 Type').selectOption('Max pooling');
}

test('a user builds a convolutional network in the form, reads each layer’s shape and parameters, and a bad kernel is named at its field', async ({ page }) => {
  await page.goto('/');
  await buildCnn(page);
  const rows = page.locator('.layers > li.layer');
  await expect(rows.filter({ hasText: 'Hidden 1' })).toContainText('→ 28×28×8 · 208 parameters');
  await expect(rows.filter({ hasText: 'Hidden 2' })).toContainText('→ 14×14×8 · 0 parameters');
  await expect(rows.filter({ hasText: 'Output' })).toContainText('→ 10 · 15,690 parameters');
  await expect(page.getByText(/^15,898 parameters; training takes about \d+ MB/)).toBeVisible();
  await expect(page.getByLabel('Config JSON')).toHaveValue(/"type": "conv2d", "filters": 8, "kernel_size": 5/);

  // A kernel wider than the image is refused at its field, naming the layer and field; the network stays.
  const kernel = page.getByLabel('Hidden layer 1 Kernel size');
  await kernel.fill('29');
  await expect(kernel).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toHaveText('layers[1].kernel_size: 29 is larger than its 28×28 input');
  await kernel.blur();
  await expect(kernel).toHaveValue('5');
  await expect(page.getByRole('alert')).toHaveCount(0);

  for (const [width, height] of [
    [390, 844],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.locator('.layers').evaluate((list) => list.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `artifacts/screenshots/cnn-form-${width}x${height}.png` });
    // The phone shows the layers without a sideways scroll.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }
});
