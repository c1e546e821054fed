import { expect, test } from '@playwright/test';
import { buildCnnInForm } from './helpers';

test('a user builds a convolutional network in the form, reads each layer’s shape and parameters, a bad kernel is named at its field, and a link reopens the network in the form', async ({ page, context }) => {
  await page.goto('/');
  await buildCnnInForm(page);
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

  // The address carries the typed layers; a fresh tab opened on it shows the same rows in the form.
  await expect.poll(() => new URL(page.url()).hash).toContain('conv2d');
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByLabel('Hidden layer 1 Type')).toHaveValue('conv2d');
  await expect(other.getByLabel('Hidden layer 1 Kernel size')).toHaveValue('5');
  await expect(other.getByLabel('Hidden layer 1 Padding')).toHaveValue('same');
  await expect(other.getByLabel('Hidden layer 2 Type')).toHaveValue('maxpool2d');
  await expect(other.locator('.layers > li.layer').filter({ hasText: 'Hidden 2' })).toContainText('→ 14×14×8 · 0 parameters');
  await expect(other.getByLabel('Config JSON')).toHaveValue(await page.getByLabel('Config JSON').inputValue());
});
