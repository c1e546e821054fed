import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers';

const configJson = (page: Page) => page.getByLabel('Config JSON');
const parsedJson = async (page: Page) => JSON.parse(await configJson(page).inputValue()) as Record<string, unknown>;

test('the form and the JSON editor show the same config, whichever one is edited', async ({ page }) => {
  await page.goto('/');

  // Form → JSON
  await page.getByLabel('Learning rate').fill('0.05');
  await page.getByLabel('Batch size').fill('64');
  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Training samples').fill('5000');
  await page.getByLabel('Optimizer').selectOption({ label: 'SGD with momentum' });
  await page.getByLabel('Momentum').fill('0.8');
  await page.getByRole('button', { name: 'Add hidden layer' }).click();
  await page.getByLabel('Hidden layer 2 units').fill('32');
  await page.getByLabel('Hidden layer 2 activation').selectOption('Tanh');
  await expect
    .poll(() => parsedJson(page))
    .toMatchObject({
      layers: [784, 128, 32, 10],
      activations: ['ReLU', 'Tanh', 'Softmax'],
      learning_rate: 0.05,
      batch_size: 64,
      epochs: 3,
      samples: 5000,
      optimizer: 'momentum',
      momentum: 0.8,
    });
  await expect(page.getByLabel('Preset')).toHaveValue('custom');

  // JSON → form: the seed post's own config.json, in its own format.
  await configJson(page).fill(
    JSON.stringify({ layers: [784, 200, 10], activations: ['Sigmoid', 'Softmax'], learning_rate: 0.01, epochs: 30 }),
  );
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByLabel('Learning rate')).toHaveValue('0.01');
  await expect(page.getByLabel('Epochs')).toHaveValue('30');
  await expect(page.getByLabel('Batch size')).toHaveValue('1');
  await expect(page.getByLabel('Hidden layer 1 units')).toHaveValue('200');
  await expect(page.getByLabel('Hidden layer 1 activation')).toHaveValue('Sigmoid');
  await expect(page.getByLabel('Hidden layer 2 units')).toHaveCount(0);
  await expect(page.getByLabel('Output activation')).toHaveValue('Softmax');
  // The seed's file with its defaults filled in is the seed preset.
  await expect(page.getByLabel('Preset')).toHaveValue('1');

  // Removing the hidden layer from the form reaches the JSON too.
  await page.getByRole('button', { name: 'Remove hidden layer 1' }).click();
  await expect.poll(async () => (await parsedJson(page)).layers).toEqual([784, 10]);
  await expect.poll(async () => (await parsedJson(page)).activations).toEqual(['Softmax']);
  await screenshot(page, '04-configured');
});
