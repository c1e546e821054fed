import { expect, test } from '@playwright/test';
import { buildCnnInForm, overallAccuracy, trainButton, waitForRunEnd } from './helpers';

test('a user adds batch normalisation and average pooling to a CNN in the form, trains it briefly, finds it again after a reload and shares it by link', async ({ page, context }) => {
  test.setTimeout(300_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await buildCnnInForm(page);
  await page.getByLabel('Hidden layer 2 Type').selectOption('Average pooling');
  await page.getByRole('button', { name: 'Add hidden layer' }).click();
  await page.getByLabel('Hidden layer 3 Type').selectOption('Batch norm');
  const rows = page.locator('.layers > li.layer');
  // A scale and a shift for each of the 8 channels.
  await expect(rows.filter({ hasText: 'Hidden 3' })).toContainText('→ 14×14×8 · 16 parameters');
  await expect(page.getByLabel('Config JSON')).toHaveValue(/\{"type": "avgpool2d", "pool_size": 2, "stride": 2\},\s*\{"type": "batchnorm"\}/);

  // One sample a batch has no batch statistics: the form says so at the batch size.
  await page.getByLabel('Batch size').fill('1');
  await expect(page.getByText(/batches need 2 samples or more, got 1/).first()).toBeVisible();
  await page.getByLabel('Batch size').fill('32');
  await page.getByLabel('Learning rate').fill('0.01');
  await page.getByLabel('Training samples').fill('1000');
  await page.getByLabel('Epochs').fill('1');
  await trainButton(page).click();
  await waitForRunEnd(page);
  const accuracy = await overallAccuracy(page);
  // Thirty-odd updates of a small normalised CNN read digits far better than chance.
  expect(accuracy).toBeGreaterThan(50);

  // The model is kept in this browser with its running statistics: a reload scores it the same.
  await page.reload();
  await expect(page.getByText(/Restored your last model \(.*batchnorm.*\)/)).toBeAttached({ timeout: 60_000 });
  await expect.poll(() => overallAccuracy(page)).toBe(accuracy);

  const json = await page.getByLabel('Config JSON').inputValue();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const other = await context.newPage();
  await other.goto(copied);
  await expect(other.getByLabel('Config JSON')).toHaveValue(json);
  await expect(other.getByLabel('Hidden layer 3 Type')).toHaveValue('batchnorm');
});
