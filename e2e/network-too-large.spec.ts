import { expect, test } from '@playwright/test';
import { openTab, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

/**
 * 784-80000-10 needs about 1.4 GB to train; building it and its first batch held the worker
 * silent until the heartbeat took it for a hang. It is refused before anything starts, with its
 * figure and the cap, and the run and model trained before are untouched.
 */
test('784-80000-10 is refused before training with its memory figure, and the earlier run and model stay', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1, samples: 1000 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  const finished = page.getByRole('status').filter({ hasText: /^Finished 1 epoch/ });
  await expect(finished).toBeVisible();

  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 80000, 10], epochs: 1, samples: 1000 });
  const figure = /training 784-80000-10 with batch size 16 needs about 1\.4 GB of memory, more than the 512 MB allowed/;
  await expect(page.getByRole('alert').filter({ hasText: figure })).toBeVisible();
  await trainButton(page).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not started:' })).toContainText(figure);

  // Nothing started: the last run's status, its row and its model are as they were.
  await expect(finished).toBeVisible();
  await openTab(page, 'Runs');
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ has: page.getByRole('textbox', { name: 'Run name' }) })).toHaveCount(1);
  await page.reload();
  await openTab(page, 'Draw a digit');
  await expect(page.getByText(/Restored your last model \(784-32-10 ReLU\/Softmax\)/)).toBeVisible();
});

/**
 * A large network under the cap holds the worker for long stretches it cannot yield in: building
 * and initialising 7.9 million parameters, the first batch, and writing the model's text after
 * the epoch (tens of seconds here). The worker says it is busy meanwhile, so the heartbeat does
 * not end it as hung (it did, 'it did not answer for 10 s', at the epoch's end).
 */
test('784-10000-10 trains an epoch to its end without the heartbeat taking the busy worker for hung', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 10000, 10], batch_size: 64, epochs: 1, samples: 64 });
  await trainButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /^Finished 1 epoch/ })).toBeVisible({ timeout: 360_000 });
  await expect(page.getByText(/The training worker stopped/)).toHaveCount(0);
});
