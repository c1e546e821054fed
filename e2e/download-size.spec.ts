import { expect, test } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('the download names one size, what goes over the wire and what it becomes, before and while it runs', async ({ page }) => {
  await page.goto('/');
  const download = page.locator('.progress', { has: page.getByRole('progressbar', { name: 'Dataset download' }) }).locator('.progress-detail');
  await expect(download).toHaveText('11.2 MB (55.0 MB unpacked), downloaded once');

  // The training images held back: the download is under way whatever the machine's speed.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/train-images-idx3-ubyte.gz', async (route) => {
    await held;
    await route.continue();
  });
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await expect(download).toContainText(/^Downloading 11\.2 MB \(55\.0 MB unpacked\)/);
  await expect(download).not.toContainText(/of \d/);
  release();
  await waitForRunEnd(page);
  await expect(download).toContainText('Ready: 60,000 + 10,000 test images');
});
