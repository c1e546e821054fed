import { expect, test } from '@playwright/test';

/**
 * A refused form edit is explained under its field, and the explanation lasts exactly as
 * long as the field holds the refused value: it goes when the field shows a valid value
 * again, whether typed or restored when the field loses focus.
 */
test('a form error sits under its field and goes when the field is valid again', async ({ page }) => {
  await page.goto('/');
  const learningRate = page.getByLabel('Learning rate');
  const initial = await learningRate.inputValue();
  const form = page.getByRole('form', { name: 'Network and training settings' });

  // −1: refused, explained under the field, the field marked; the JSON is untouched and valid.
  await learningRate.fill('-1');
  const lrError = form.getByRole('alert').filter({ hasText: 'learning_rate: must be a positive number, got -1' });
  await expect(lrError).toBeVisible();
  await expect(learningRate).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Config JSON')).toHaveAttribute('aria-invalid', 'false');
  const fieldBox = await learningRate.boundingBox();
  const errorBox = await lrError.boundingBox();
  expect(errorBox && fieldBox && errorBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(40);

  // Leaving the field restores the valid value, and the error goes with it.
  await learningRate.blur();
  await expect(learningRate).toHaveValue(initial);
  await expect(lrError).toHaveCount(0);
  await expect(learningRate).toHaveAttribute('aria-invalid', 'false');

  // Typing the valid value again clears the error too.
  await learningRate.fill('-1');
  await expect(lrError).toBeVisible();
  await learningRate.fill(initial);
  await expect(lrError).toHaveCount(0);

  // Units 0, then 1.5: the error follows what was typed last.
  const units = page.getByLabel('Hidden layer 1 Units');
  await units.fill('0');
  await expect(form.getByRole('alert')).toHaveText('layers[1]: must be an integer from 1 to 100000, got 0');
  await units.fill('1.5');
  await expect(form.getByRole('alert')).toHaveText('layers[1]: must be an integer from 1 to 100000, got 1.5');

  // Units 100000: too large for memory; when the field reverts, the message naming it goes.
  await units.fill('100000');
  await expect(form.getByRole('alert')).toContainText('network too large');
  await units.blur();
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(units).not.toHaveValue('100000');
});
