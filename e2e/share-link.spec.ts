import { expect, test } from '@playwright/test';

const LINK =
  '/#layers=784,48,10&activations=Tanh,Softmax&learning_rate=0.02&epochs=4&optimizer=sgd&batch_size=8' +
  '&validation=1000&patience=2&augment=1,5';

test('a link with a config opens with that config, and Copy link gives a link to the current one', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(LINK);
  await expect(page.getByLabel('Hidden layer 1 units')).toHaveValue('48');
  await expect(page.getByLabel('Hidden layer 1 activation')).toHaveValue('Tanh');
  await expect(page.getByLabel('Optimizer')).toHaveValue('sgd');
  await expect(page.getByLabel('Learning rate')).toHaveValue('0.02');
  await expect(page.getByLabel('Batch size')).toHaveValue('8');
  await expect(page.getByLabel('Epochs')).toHaveValue('4');
  await expect(page.getByLabel('Validation images')).toHaveValue('1000');
  await expect(page.getByLabel('Early stopping patience')).toHaveValue('2');
  await expect(page.getByLabel('Augment images')).toBeChecked();
  await expect(page.getByLabel('Shift (pixels)')).toHaveValue('1');
  await expect(page.getByLabel('Rotation (degrees)')).toHaveValue('5');

  // An edit rewrites the address, and the copied link carries it to a fresh tab.
  await page.getByLabel('Learning rate').fill('0.03');
  await expect.poll(() => new URL(page.url()).hash).toContain('learning_rate=0.03');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  const json = await page.getByLabel('Config JSON').inputValue();

  const other = await context.newPage();
  await other.goto(copied);
  await expect(other.getByLabel('Config JSON')).toHaveValue(json);
  await expect(other.getByLabel('Learning rate')).toHaveValue('0.03');
});

test('a link with a broken config says what is wrong and opens the default', async ({ page }) => {
  await page.goto('/#layers=784,abc,10&activations=ReLU,Softmax&learning_rate=0.01&epochs=3');
  await expect(page.getByRole('alert')).toContainText('The config in this link was not loaded: layers[1]: must be an integer');
  await expect(page.getByLabel('Preset')).not.toHaveValue('custom');
});
