import { expect, test } from '@playwright/test';
import { screenshot, SMALL_RUN, trainButton, typeConfigJson } from './helpers';

test('a bad JSON edit is explained, and Train refuses to run the last valid config in its place', async ({ page }) => {
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

  // Train does not quietly run the last valid config: nothing starts, and the JSON box has the focus.
  await trainButton(page).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not started:' })).toContainText(/Config JSON: .*not valid JSON/);
  await expect(json).toBeFocused();
  await expect(page.locator('.run-status')).toHaveText(/^Ready/);
  // The invalid text is still there to be fixed, and still explained.
  await expect(json).toHaveValue(/"samples": 5000,/);
  await expect(alert.filter({ hasNotText: 'Not started:' })).toContainText(/not valid JSON/);
});
