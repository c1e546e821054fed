import { expect, test } from '@playwright/test';
import { chartPointCount, SMALL_RUN, typeConfigJson } from './helpers';

test('stepping one epoch at a time, then stopping and resetting', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 5 });
  const status = page.getByRole('status').filter({ hasText: /^(Paused|Stopped|Ready)/ });
  const step = page.getByRole('button', { name: 'Step one epoch' });

  await step.click();
  await expect(status).toHaveText(/^Paused in epoch 1 after 3,000 samples\. Test accuracy after epoch 1: \d+\.\d\d%\./);
  await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toBeVisible();
  await expect.poll(() => chartPointCount(page, 'Accuracy per epoch')).toBe(1);

  await step.click();
  await expect(status).toHaveText(/^Paused in epoch 2 after 3,000 samples\./);
  await expect.poll(() => chartPointCount(page, 'Accuracy per epoch')).toBe(2);

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveText(/^Stopped after epoch 2\. Kept its model: test accuracy \d+\.\d\d%\./);
  await expect(page.getByRole('button', { name: 'Resume' })).toBeDisabled();
  // The stopped run's model still answers.
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toBeVisible();

  // Reset asks first; Escape keeps everything.
  await page.getByRole('button', { name: 'Reset' }).click();
  const ask = page.getByRole('dialog', { name: 'Reset?' });
  await expect(ask).toContainText('forgets the model');
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(status).toHaveText(/^Stopped after epoch 2/);
  await expect(page.getByText(/Overall accuracy/)).toBeVisible();

  await page.getByRole('button', { name: 'Reset' }).click();
  await ask.getByRole('button', { name: 'Reset' }).click();
  await expect(status).toHaveText(/^Ready/);
  await expect(page.getByText(/Overall accuracy/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reset' })).toBeDisabled();
  await expect.poll(() => chartPointCount(page, 'Accuracy per epoch')).toBe(0);
});
