import { expect, test } from '@playwright/test';
import { drawStroke } from './draw-helpers';
import { atViewport, openTab, VIEWPORTS } from './helpers';

const PHONE = VIEWPORTS.find((viewport) => viewport.name === 'phone')!;

test.use(atViewport(PHONE));

test('on a phone the drawing pad scrolls clear of the action bar: a stroke along its bottom edge is drawn whole', async ({ page }) => {
  await page.goto('/');
  await openTab(page, 'Draw a digit');
  const pad = page.getByRole('img', { name: 'Drawing pad' });
  // Scrolled as a finger would leave it: the pad's bottom edge just on screen, where the action bar is.
  await pad.evaluate((canvas) => window.scrollBy(0, canvas.getBoundingClientRect().bottom - window.innerHeight + 2));
  // Scrolled into view as a browser scrolls (drawStroke does the same): the stroke's row is the pad's, not the bar's.
  await pad.scrollIntoViewIfNeeded();
  const under = await pad.evaluate((canvas) => {
    const rect = canvas.getBoundingClientRect();
    return [0.1, 0.5, 0.9].map((x) => document.elementFromPoint(rect.left + rect.width * x, rect.top + (rect.height * 266) / 280)?.className);
  });
  expect(under, 'what a finger touches along the pad’s bottom edge').toEqual(['draw-pad-canvas', 'draw-pad-canvas', 'draw-pad-canvas']);
  await drawStroke(page, [
    [20, 266],
    [140, 266],
    [260, 266],
  ]);
  // White ink on black: the share of the stroke's columns with ink in the pad's bottom band.
  const inked = await pad.evaluate((canvas: HTMLCanvasElement) => {
    const band = canvas.getContext('2d')!.getImageData(0, Math.round(canvas.height * 0.9), canvas.width, Math.round(canvas.height * 0.08));
    const from = Math.round(canvas.width * 0.1);
    const to = Math.round(canvas.width * 0.9);
    let columns = 0;
    for (let x = from; x < to; x++) {
      for (let y = 0; y < band.height; y++) {
        if (band.data[(y * band.width + x) * 4] > 128) {
          columns++;
          break;
        }
      }
    }
    return columns / (to - from);
  });
  expect(inked, 'the stroke along the pad’s bottom edge is inked from end to end').toBeGreaterThan(0.95);
});
