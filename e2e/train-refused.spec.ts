import { expect, test } from '@playwright/test';
import { trainButton } from './helpers';

/**
 * Train with a refused edit on screen does not quietly run the last valid config: nothing
 * starts, the page says which field is wrong and puts the focus on it.
 */
test('Train with a refused form or JSON edit names the field and starts nothing', async ({ page }) => {
  await page.goto('/');
  const status = page.getByRole('status').filter({ hasText: /^Ready/ });
  const refusal = page.getByRole('alert').filter({ hasText: 'Not started:' });

  const units = page.getByLabel('Hidden layer 1 units');
  await units.fill('100000');
  const fieldError = page.getByRole('form', { name: 'Network and training settings' }).getByRole('alert');
  await expect(fieldError).toBeVisible();
  const message = (await fieldError.textContent()) ?? '';
  await trainButton(page).click();
  await expect(refusal).toContainText(message);
  await expect(units).toBeFocused();
  await expect(units).toHaveValue('100000');
  await expect(status).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Dataset download' })).toHaveAttribute('value', '0');

  // The field shows a valid value again: the refusal goes, and Train starts.
  await units.fill('32');
  await expect(refusal).toHaveCount(0);
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Training samples').fill('1000');
  await trainButton(page).click();
  await expect(refusal).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: /^Finished 1 epoch/ })).toBeVisible({ timeout: 120_000 });

  // A JSON edit the config refuses, on screen in the JSON box.
  const json = page.getByLabel('Config JSON');
  const text = await json.inputValue();
  await json.fill(text.replace(/"learning_rate": [^,]+,/, '"learning_rate": -1,'));
  await trainButton(page).click();
  await expect(refusal).toContainText('learning_rate');
  await expect(json).toBeFocused();
  await json.fill(text);
  await expect(refusal).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: /^Finished 1 epoch/ })).toBeVisible();
});
