import { expect, test } from '@playwright/test';
import { screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a bad JSON edit is explained, and Train keeps using the last valid config', async ({ page }) => {
  await page.goto('/');
  const lastValid = { ...SMALL_RUN, samples: 2000, epochs: 1 };
  await typeConfigJson(page, lastValid);
  await expect(page.getByLabel('Training samples')).toHaveValue('2000');

  // A value out of range: the alert names the field, the form keeps the last valid values.
  await typeConfigJson(page, { ...lastValid, batch_size: 0, samples: 5000 });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('batch_size');
  await expect(page.getByLabel('Config JSON')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Batch size')).toHaveValue('16');
  await expect(page.getByLabel('Training samples')).toHaveValue('2000');

  // Broken syntax: the alert says where.
  const json = page.getByLabel('Config JSON');
  await json.fill(JSON.stringify({ ...lastValid, samples: 5000 }, null, 2).replace('"samples": 5000', '"samples": 5000,'));
  await expect(alert).toContainText(/not valid JSON/);
  await expect(alert).toContainText(/line \d+/);
  await screenshot(page, '05-bad-json');

  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByText(/Epoch 1 of 1 · 2,000 \/ 2,000 samples/)).toBeVisible();
  await expect(page.getByText('Finished 1 epoch.')).toBeVisible();
  // The invalid text is still there to be fixed, and still explained.
  await expect(json).toHaveValue(/"samples": 5000,/);
  await expect(alert).toContainText(/not valid JSON/);
});
