import { expect, test } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('a failed dataset download is explained, and Retry works once the network is back', async ({ page }) => {
  await page.route('**/data/train-images-idx3-ubyte.gz', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();

  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The MNIST dataset could not be loaded');
  await expect(alert).toContainText('train-images-idx3-ubyte.gz');
  await expect(page.getByText('Dataset download')).toBeVisible();
  await expect(trainButton(page)).toBeEnabled();

  await page.unroute('**/data/train-images-idx3-ubyte.gz');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toBeVisible();
});
