import { expect, test } from '@playwright/test';
import { LONG_RUN, trainButton } from './helpers';

declare global {
  interface Window {
    __progressUpdates: number[];
  }
}

/**
 * Training happens off the main thread: while the worker trains flat out the page keeps taking
 * progress reports and input. How long the longest main-thread task is, is a speed figure: it
 * lives in `npm run bench:responsiveness`, not in an assertion that a busy machine could fail.
 */
test('the page keeps streaming progress and answering input while a network trains', async ({ page }) => {
  await page.goto(LONG_RUN);

  // Every change of the epoch progress bar's value is one progress report reaching the page.
  await page.evaluate(() => {
    const bar = document.querySelector('progress[aria-label="Epoch progress"]');
    if (!bar) throw new Error('no Epoch progress bar');
    window.__progressUpdates = [];
    new MutationObserver(() => window.__progressUpdates.push(performance.now())).observe(bar, { attributeFilter: ['value'] });
  });
  await trainButton(page).click();

  // The page answers input mid-run: an edit is taken and the page says when it applies.
  const progress = page.getByRole('progressbar', { name: 'Epoch progress' });
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 90_000 }).toBeGreaterThan(0);
  await page.getByLabel('Epochs').fill('3');
  await expect(page.getByText(/your changes apply to the next run/)).toBeVisible();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(page.getByRole('tab', { name: 'Runs' })).toHaveAttribute('aria-selected', 'true');

  // Progress keeps streaming while the worker trains: more than ten reports, still in epoch 1.
  await expect.poll(() => page.evaluate(() => window.__progressUpdates.length)).toBeGreaterThan(10);
  await expect(page.locator('.run-status')).toHaveText(/^Training epoch 1 of 50/);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('.run-status')).toHaveText(/^Stopped/);
});
