import { expect, test, type Locator } from '@playwright/test';
import { atViewport, LONG_RUN, trainButton, VIEWPORTS } from './helpers';

const PHONE = VIEWPORTS.find((viewport) => viewport.name === 'phone')!;

test.use(atViewport(PHONE));

async function expectOnScreen(locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  expect(box!.y, `${what}: top`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${what}: bottom`).toBeLessThanOrEqual(PHONE.height);
  expect(box!.x + box!.width, `${what}: right`).toBeLessThanOrEqual(PHONE.width);
}

test('on a phone Train, Pause, Resume, Stop and the run’s status are on screen wherever the page is scrolled, without sideways scroll', async ({ page }) => {
  await page.goto(LONG_RUN);
  await expect(trainButton(page)).toBeVisible();
  // On opening, without scrolling.
  await expectOnScreen(trainButton(page), 'Train');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  await trainButton(page).click();
  const status = page.locator('.run-status');
  await expect(status).toHaveText(/^Training epoch 1/, { timeout: 90_000 });
  for (const where of ['top', 'bottom'] as const) {
    await page.evaluate((to) => window.scrollTo(0, to === 'top' ? 0 : document.documentElement.scrollHeight), where);
    await expectOnScreen(page.getByRole('button', { name: 'Pause' }), `Pause (page at its ${where})`);
    await expectOnScreen(page.getByRole('button', { name: 'Stop' }), `Stop (page at its ${where})`);
    await expectOnScreen(status, `the status (page at its ${where})`);
  }
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toHaveText(/^Paused/);
  await expectOnScreen(page.getByRole('button', { name: 'Resume' }), 'Resume');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveText(/^Stopped/);
  // The bar covers nothing for good: the page's end scrolls clear of it. The room kept for the bar
  // follows its height a frame later (a ResizeObserver), and the stopped status makes it taller.
  await expect
    .poll(async () => {
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const footer = await page.locator('.app-footer').boundingBox();
      const bar = await page.getByRole('group', { name: 'Training controls' }).boundingBox();
      return footer!.y + footer!.height - bar!.y;
    })
    .toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
});
