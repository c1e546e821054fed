import { expect, test } from '@playwright/test';
import { longTasksSince, pageTime, recordLongTasks, trainButton } from './helpers';

declare global {
  interface Window {
    __progressUpdates: number[];
  }
}

// Playwright's trace snapshots and screenshots run in the page's main thread: none are
// taken while the page is being measured.
test.use({ trace: 'off', screenshot: 'off' });

test('the page never blocks its main thread for over 50 ms while a network trains', async ({ page }) => {
  await recordLongTasks(page);
  await page.goto('/');
  // The default preset (784-128-10) on the whole training set, two epochs: several seconds
  // of full-speed training with live charts, two evaluations and a finished run.
  await page.getByLabel('Epochs').fill('2');
  await page.getByLabel('Epochs').blur();

  // Every change of the epoch progress bar's value is one progress report reaching the page.
  await page.evaluate(() => {
    const bar = document.querySelector('progress[aria-label="Epoch progress"]');
    if (!bar) throw new Error('no Epoch progress bar');
    window.__progressUpdates = [];
    new MutationObserver(() => window.__progressUpdates.push(performance.now())).observe(bar, { attributeFilter: ['value'] });
  });

  const started = await pageTime(page);
  await trainButton(page).click();
  // Waiting in the page, on a cheap check twice a second, rather than with locator polling.
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent?.startsWith('Finished'), null, {
    polling: 500,
    timeout: 120_000,
  });
  const ended = await pageTime(page);

  const longTasks = await longTasksSince(page, started);
  const longest = Math.max(0, ...longTasks.map((task) => task.duration));
  test.info().annotations.push({ type: 'longest task', description: `${longest} ms over a ${Math.round(ended - started)} ms run` });
  console.log(`longest main-thread task while training: ${longest} ms (run: ${Math.round(ended - started)} ms)`);
  expect(longTasks).toEqual([]);

  // Progress keeps streaming while the worker trains flat out: no gap of a second or more
  // between two reports once training has started.
  const updates = await page.evaluate(() => window.__progressUpdates);
  expect(updates.length).toBeGreaterThan(10);
  const gaps = updates.slice(1).map((at, i) => at - updates[i]);
  console.log(`progress reports: ${updates.length}, longest gap ${Math.round(Math.max(...gaps))} ms`);
  expect(Math.max(...gaps)).toBeLessThan(1000);
});
