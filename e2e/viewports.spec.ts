import { expect, test, type Page } from '@playwright/test';
import { atViewport, LONG_RUN, openTab, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, unfold, waitForRunEnd } from './helpers';

/** The page never scrolls sideways: everything wide scrolls inside its own box. */
/**
 * Against the screen's own width: a phone browser zooms out to fit a page wider than its
 * screen, which widens `innerWidth` with it and so cannot be the yardstick.
 */
async function expectNoSidewaysScroll(page: Page, state: string): Promise<void> {
  const screen = page.viewportSize()!.width;
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(Math.max(scrollWidth, innerWidth), `page width ${scrollWidth} px, layout ${innerWidth} px on a ${screen} px screen (${state})`).toBeLessThanOrEqual(screen);
}

async function expectInViewport(page: Page, locator: ReturnType<Page['locator']>, what: string): Promise<void> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, what).not.toBeNull();
  expect(box!.y, `${what}: top`).toBeGreaterThanOrEqual(0);
  expect(box!.x, `${what}: left`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${what}: bottom`).toBeLessThanOrEqual(viewport.height);
  expect(box!.x + box!.width, `${what}: right`).toBeLessThanOrEqual(viewport.width);
}

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use(atViewport(viewport));

    test(`${viewport.name}: no sideways scrolling in any state; results beside the controls`, async ({ page }) => {
      await page.goto('/');
      await expectNoSidewaysScroll(page, 'empty');

      await unfold(page, 'Training');
      await page.getByLabel('Learning rate').fill('-1');
      await page.getByLabel('Learning rate').blur();
      await expectNoSidewaysScroll(page, 'form error');

      // Mid-run, on a run that cannot end before it is looked at, whatever the machine's speed.
      await page.goto(LONG_RUN);
      await trainButton(page).click();
      await expect(page.locator('.run-status')).toHaveText(/^Training epoch/, { timeout: 60_000 });
      await expectNoSidewaysScroll(page, 'training');
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(page.locator('.run-status')).toHaveText(/^Stopped/);

      // Four-digit counts in the matrix: a run on 12,000 samples.
      await typeConfigJson(page, { ...SMALL_RUN, samples: 12_000, epochs: 1 });
      await trainButton(page).click();
      await waitForRunEnd(page);
      await expect(page.locator('.run-status')).toHaveText(/^Finished/);
      const matrix = page.getByRole('table', { name: 'Confusion matrix' });
      await expect(matrix).toBeVisible();
      await expectNoSidewaysScroll(page, 'evaluated');

      if (viewport.width >= 1280) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.getByRole('complementary', { name: 'Dataset and network settings' }).evaluate((sidebar) => sidebar.scrollTo(0, 0));
        await expectInViewport(page, page.getByRole('figure', { name: 'Accuracy per epoch' }), 'the accuracy curve');
        await expectInViewport(page, matrix, 'the confusion matrix');
        await expectInViewport(page, trainButton(page), 'the Train button');
        await expectInViewport(page, page.getByRole('combobox', { name: 'Preset' }), 'the preset picker');
      }
      // A phone's screen shows the results, the run's progress at its top, not the form the run was typed in.
      if (viewport.touch) await page.getByRole('region', { name: 'Training', exact: true }).evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
      // The README's pictures, the visible screen only, which keeps them small. A test run leaves
      // the committed ones alone; `npm run screenshots` copies these over them.
      await page.screenshot({ path: `artifacts/screenshots/workbench-${viewport.width}x${viewport.height}.png` });

      await matrix.getByRole('button', { name: /^Actual 4, predicted 9/ }).or(matrix.getByRole('button').first()).first().click();
      const cellImages = page.getByRole('dialog');
      await expect(cellImages.getByRole('img').first()).toBeVisible();
      await expectNoSidewaysScroll(page, 'cell images');
      // The dialog fits the screen it opens on.
      const box = await cellImages.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= viewport.width).toBe(true);
      await page.keyboard.press('Escape');
      await expect(cellImages).toHaveCount(0);

      // A second run, so that the runs tab has two to compare.
      await trainButton(page).click();
      await waitForRunEnd(page);
      await openTab(page, 'Runs');
      const compare = page.getByRole('checkbox', { name: /^Compare/ });
      for (const box of [compare.nth(0), compare.nth(1)]) {
        await (viewport.touch ? box.tap() : box.click());
        await expect(box).toBeChecked();
      }
      await expect(page.getByRole('figure').first()).toBeVisible();
      await expectNoSidewaysScroll(page, 'runs compared');

      await openTab(page, 'Draw a digit');
      await expect(page.getByRole('img', { name: 'Drawing pad' })).toBeVisible();
      await expectNoSidewaysScroll(page, 'drawing pad');

      await openTab(page, 'Inside the network');
      await expectNoSidewaysScroll(page, 'inside the network');
    });
  });
}
