import { expect, test } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson } from './helpers';

test('a diverging run stops by itself and suggests a smaller learning rate', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, optimizer: 'sgd', learning_rate: 1e6, activations: ['Linear', 'Softmax'], epochs: 3 });
  await trainButton(page).click();

  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/diverged/i);
  await expect(alert).toContainText(/smaller learning rate/i);
  await expect(page.getByRole('status').filter({ hasText: 'The run diverged.' })).toBeVisible();
  await expect(trainButton(page)).toBeEnabled();
});
