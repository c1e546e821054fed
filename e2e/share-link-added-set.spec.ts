import { expect, test } from '@playwright/test';
import { mnistPngFolder } from './dataset-files';
import { addPngDigits } from './helpers';

const CONFIG = 'layers=784,48,10&activations=Tanh,Softmax&learning_rate=0.02&epochs=4&optimizer=sgd&batch_size=8';

test('with an added set active, a link’s refused config and its dataset note stay on screen once that set is active again', async ({ page, context }, testInfo) => {
  await page.goto('/');
  await addPngDigits(page, mnistPngFolder(testInfo.outputPath('digits'), 100), 0.25);

  // A fresh visit restores the added set after the link is read: the refusal must outlive that.
  const refused = await context.newPage();
  await refused.goto('/#layers=784,1000000000,10&activations=ReLU,Softmax');
  await expect(refused.getByRole('radio', { name: /^PNG digits/ })).toBeChecked();
  await expect(refused.getByRole('alert').filter({ hasText: 'The config in this link was not loaded: layers[1]' })).toBeVisible();
  await refused.close();

  const marked = await context.newPage();
  await marked.goto(`/#${CONFIG}&dataset=Fashion_28_28_10`);
  await expect(marked.getByRole('radio', { name: /^PNG digits/ })).toBeChecked();
  await expect(marked.getByText(/^This link was made on Fashion, a dataset kept in the browser it came from; links do not carry data, so it opens with PNG digits/)).toBeVisible();
  await expect(marked.getByLabel('Hidden layer 1 units')).toHaveValue('48');
});
