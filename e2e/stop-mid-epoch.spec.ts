import { expect, test } from '@playwright/test';
import { typeConfigJson } from './helpers';

// A hand stop part-way through an epoch says which model it keeps, and keeps the one whose
// accuracy the page showed: the last complete epoch's, not weights that were never tested.
test('a run stopped during an epoch keeps the last complete epoch model and says so', async ({ page }) => {
  await page.goto('/');
  // Step ends epoch 1 and pauses; Resume then Pause lands inside epoch 2, whose 20,000 samples
  // one at a time take far longer than the moment between the two clicks on any machine.
  await typeConfigJson(page, { layers: [784, 32, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.002, batch_size: 1, epochs: 3, samples: 20000, seed: 5 });
  const status = page.getByRole('status').filter({ hasText: /^(Training|Paused|Stopped|Starting|Loading)/ });
  await page.getByRole('button', { name: 'Step one epoch' }).click();
  await expect(status).toHaveText(/^Paused in epoch 1 after 20,000 samples/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Pause' }).click();

  await expect(status).toHaveText(/^Paused in epoch 2 after [\d,]+ samples\. Test accuracy after epoch 1: \d+\.\d\d%\./);
  const paused = (await status.textContent()) ?? '';
  const [, samples, accuracy] = /after ([\d,]+) samples\. Test accuracy after epoch 1: (\d+\.\d\d%)/.exec(paused) ?? [];

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveText(
    `Stopped during epoch 2. Kept the model of epoch 1, the last complete one: test accuracy ${accuracy}; ` +
      `the ${samples} samples trained since were never tested, so they are dropped.`,
  );
  // Evaluating the kept model gives the accuracy the page showed for it.
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByText(`Overall accuracy: ${accuracy}`)).toBeVisible();
});
