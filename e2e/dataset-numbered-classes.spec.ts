import { expect, test } from '@playwright/test';
import { shiftedDigitsIdx } from './dataset-files';

test('a set other than MNIST whose classes have no names does not claim to be digits, and the page offers to name them', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.locator('.tagline')).toContainText('handwritten digits');
  await page.getByText('Add a dataset').click();
  const form = page.getByRole('form', { name: 'Add IDX files' });
  await form.getByLabel('Name').fill('Unnamed set');
  await form.getByLabel('IDX files').setInputFiles(shiftedDigitsIdx(testInfo.outputPath('set'), 300, 100));
  await form.getByRole('button', { name: 'Add IDX dataset' }).click();
  await expect(page.getByRole('radio', { name: /^Unnamed set/ })).toBeChecked({ timeout: 60_000 });

  await expect(page.locator('.tagline')).not.toContainText('digit');
  await expect(page.getByRole('tab', { name: 'Draw', exact: true })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Draw a digit' })).toHaveCount(0);
  await expect(page.getByText('Its classes are numbered 0 to 9. To name them, add it again with labels.txt: one name per line, in class order.')).toBeVisible();
});
