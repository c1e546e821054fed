import { expect, test } from '@playwright/test';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

declare global {
  interface Window {
    tabStrip?: { frame: number; clickedAt: number; tops: { frame: number; top: number }[] };
  }
}

// A run's texts change as it downloads, starts and trains: the tabs below them must not move once
// Train is pressed, or a click aimed at a tab lands on whatever moved under the pointer.
for (const viewport of VIEWPORTS) {
  test.describe(viewport.name, () => {
    test.use(atViewport(viewport));

    test('the tabs stay where the press of Train left them, through the download and the run', async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, epochs: 2 });
      // The tab strip's place on the page at every frame, and the frame in which Train was pressed.
      await page.evaluate(() => {
        const tabs = document.querySelector('[role=tablist]') as HTMLElement;
        const watch = { frame: 0, clickedAt: -1, tops: [] as { frame: number; top: number }[] };
        window.tabStrip = watch;
        document.addEventListener('click', () => (watch.clickedAt = watch.frame), { capture: true });
        const look = () => {
          const top = tabs.getBoundingClientRect().top + window.scrollY;
          if (watch.tops.at(-1)?.top !== top) watch.tops.push({ frame: watch.frame, top });
          watch.frame++;
          requestAnimationFrame(look);
        };
        look();
      });
      await trainButton(page).click();
      await waitForRunEnd(page);
      await expect(page.getByRole('progressbar', { name: 'Dataset download' })).toHaveAttribute('value', '1');
      const watch = await page.evaluate(() => window.tabStrip);
      if (!watch || watch.clickedAt < 0) throw new Error('The press of Train was not seen');
      // Where the strip stood in the first frame after the click, and every place it took later.
      const after = watch.tops.filter(({ frame }) => frame > watch.clickedAt).map(({ top }) => top);
      const settled = [...watch.tops].reverse().find(({ frame }) => frame <= watch.clickedAt + 1)?.top as number;
      // A fraction of a pixel is rounding in the layout, not a move.
      for (const top of after) expect(Math.abs(top - settled)).toBeLessThan(1);
    });
  });
}
