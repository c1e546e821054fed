import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { openTab } from './helpers';

export type Point = [x: number, y: number];

/**
 * The pad's box on screen, its tab opened and scrolled into view as a browser would (no more):
 * drawing coordinates are relative to it. On a phone the page keeps what it scrolls to clear of
 * the action bar stuck to the bottom of the screen, so the whole pad takes the strokes.
 */
async function padBox(page: Page) {
  const pad = page.getByRole('img', { name: 'Drawing pad' });
  if (!(await pad.isVisible())) await openTab(page, 'Draw a digit');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('The drawing pad is not visible');
  return box;
}

/**
 * Draws one stroke through `points` (pad coordinates, 0…280) with intermediate moves: as a
 * finger would on a touch screen (a context with `hasTouch`), else as a mouse would.
 */
export async function drawStroke(page: Page, points: Point[]): Promise<void> {
  const box = await padBox(page);
  const at = ([x, y]: Point): Point => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
  const path = [points[0], ...points.slice(1).flatMap((point, i) => between(points[i], point))].map(at);
  const touch = await page.evaluate(() => navigator.maxTouchPoints > 0);
  // Playwright can tap but not drag a finger, so both go through the DevTools protocol, as a
  // device's events would. The moves are sent without waiting for each to be handled, as a
  // quick hand makes them: the browser merges those that arrive within a frame into one
  // pointermove whose coalesced events carry every point (the pad reads them all). Waited for
  // one at a time, each move costs a frame, seconds a stroke on a loaded machine.
  const cdp = await page.context().newCDPSession(page);
  const send = touch
    ? (type: 'start' | 'move' | 'end', [x, y]: Point) =>
        cdp.send('Input.dispatchTouchEvent', {
          type: type === 'start' ? 'touchStart' : type === 'move' ? 'touchMove' : 'touchEnd',
          touchPoints: type === 'end' ? [] : [{ x, y }],
        })
    : (type: 'start' | 'move' | 'end', [x, y]: Point) =>
        cdp.send('Input.dispatchMouseEvent', {
          type: type === 'start' ? 'mousePressed' : type === 'move' ? 'mouseMoved' : 'mouseReleased',
          x,
          y,
          button: 'left',
          buttons: type === 'end' ? 0 : 1,
          clickCount: 1,
        });
  if (!touch) await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: path[0][0], y: path[0][1] });
  await send('start', path[0]);
  await Promise.all(path.slice(1).map((point) => send('move', point)));
  await send('end', path[path.length - 1]);
  await cdp.detach();
}

/** Four moves along a segment, its end the last. */
function between([x0, y0]: Point, [x1, y1]: Point): Point[] {
  return [1, 2, 3, 4].map((step): Point => [x0 + ((x1 - x0) * step) / 4, y0 + ((y1 - y0) * step) / 4]);
}

export function verticalLine(x: number, top: number, bottom: number): Point[] {
  return [
    [x, top],
    [x, (top + bottom) / 2],
    [x, bottom],
  ];
}

export function ellipse(cx: number, cy: number, rx: number, ry: number): Point[] {
  return Array.from({ length: 25 }, (_, i): Point => {
    const t = (2 * Math.PI * i) / 24;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
}

export function prediction(page: Page) {
  return page.getByLabel('Prediction');
}

export async function clearPad(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(prediction(page)).toHaveText('');
}

/** The most probable digit's bar is the prediction's, and the bars add up to 1. */
export async function expectBarsAgree(page: Page, digit: number): Promise<void> {
  const values = await page
    .getByRole('list', { name: 'Probability per digit' })
    .getByRole('meter')
    .evaluateAll((meters) => meters.map((meter) => (meter as HTMLMeterElement).value));
  expect(values).toHaveLength(10);
  expect(values.indexOf(Math.max(...values))).toBe(digit);
  expect(values.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 3);
}

/** Draws `strokes`, picks `className` and adds the drawing to the training set. */
export async function addExample(page: Page, strokes: Point[] | Point[][], className: string): Promise<void> {
  const all = typeof strokes[0][0] === 'number' ? [strokes as Point[]] : (strokes as Point[][]);
  for (const stroke of all) await drawStroke(page, stroke);
  await page.getByLabel('This drawing is').selectOption(className);
  await page.getByRole('button', { name: 'Add to training set' }).click();
  // Adding clears the pad for the next drawing.
  await expect(page.getByRole('button', { name: 'Add to training set' })).toBeDisabled();
}

/** Clicks `button` and reads the files it downloads, by name. */
export async function downloads(page: Page, count: number, click: () => Promise<void>): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const all = new Promise<void>((resolve) => {
    page.on('download', async (download) => {
      files.set(download.suggestedFilename(), readFileSync(await download.path()));
      if (files.size === count) resolve();
    });
  });
  await click();
  await all;
  page.removeAllListeners('download');
  return files;
}
