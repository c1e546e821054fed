import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './axe';
import { ellipse, drawStroke } from './draw-helpers';
import { atViewport, LONG_RUN, openTab, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, unfold, waitForRunEnd } from './helpers';

/** Runs axe-core over the whole page as it is now and expects no violation of any impact. */
async function expectNoViolations(page: Page, state: string): Promise<void> {
  // Soft: one run lists what every state has.
  expect.soft(await axeViolations(page), `axe violations (${state})`).toEqual([]);
}

// A phone and a laptop: the desktop's layout is the laptop's, wider.
for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({
      ...atViewport(viewport),
      // The page's policy allows no inline script, and axe arrives as one; the app's own
      // behaviour under that policy is e2e/security's business.
      bypassCSP: true,
    });

    test(`${viewport.name}: axe finds nothing when empty, with a form error, training, evaluated, on every tab and in every dialog (a cell's images, Start a new run, Reset)`, async ({
      page,
    }) => {
      await page.goto(LONG_RUN);
      await expect(trainButton(page)).toBeVisible();
      await expectNoViolations(page, 'empty');

      await unfold(page, 'Training');
      const learningRate = page.getByLabel('Learning rate');
      await learningRate.fill('-1');
      await expect(page.getByRole('alert').filter({ hasText: 'learning_rate' })).toBeVisible();
      await expectNoViolations(page, 'form error');
      await learningRate.fill('0.002');
      await expect(page.getByRole('alert')).toHaveCount(0);

      await trainButton(page).click();
      await expect(page.getByRole('status').filter({ hasText: /^Training epoch 1/ })).toBeVisible({ timeout: 90_000 });
      await expect(page.getByRole('figure').first()).toBeVisible();
      await expectNoViolations(page, 'training');
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(page.getByRole('status').filter({ hasText: /^Paused/ })).toBeVisible();
      await trainButton(page).click();
      await expect(page.getByRole('dialog', { name: 'Start a new run?' })).toBeVisible();
      await expectNoViolations(page, 'the Start a new run dialog');
      await page.getByRole('button', { name: 'Keep the paused run' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(page.getByRole('status').filter({ hasText: /^Stopped/ })).toBeVisible();

      await typeConfigJson(page, SMALL_RUN);
      await trainButton(page).click();
      await waitForRunEnd(page);
      await expect(page.getByText(/Overall accuracy: \d+\.\d\d%/)).toBeVisible();
      await expectNoViolations(page, 'evaluated');

      await page.getByRole('button', { name: /^Actual 1, predicted 1: / }).click();
      await expect(page.getByRole('dialog', { name: '1s read correctly' }).getByRole('img').first()).toBeVisible();
      await expectNoViolations(page, 'a confusion cell’s images');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await openTab(page, 'Draw a digit');
      await drawStroke(page, ellipse(140, 140, 60, 90));
      await expect(page.getByRole('img', { name: 'Drawing pad' })).toBeVisible();
      await expectNoViolations(page, 'drawing pad');

      for (const tab of ['Runs', 'Inside the network', 'Take it further']) {
        await page.getByRole('tab', { name: tab }).click();
        await expect(page.getByRole('tabpanel', { name: tab })).toBeVisible();
        await expectNoViolations(page, `${tab} tab`);
      }
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect(page.getByRole('dialog', { name: 'Reset?' })).toBeVisible();
      await expectNoViolations(page, 'the Reset dialog');
      await page.getByRole('button', { name: 'Keep them' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    });
  });
}
