import { expect, test, type Locator, type Page } from '@playwright/test';
import { axeViolations } from './axe';
import { atViewport, openTab, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

/** A dot's position on the map, in CSS pixels from its top left corner, and how many colours the dots have. */
async function readMap(map: Locator): Promise<{ dot: { x: number; y: number }; colours: number }> {
  return map.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const colours = new Set<number>();
    let dot = { x: -1, y: -1 };
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 200) continue;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      // A dot's middle: opaque two pixels to its left and right too.
      const p = i / 4;
      if (dot.x < 0 && data[i + 3 + 8] >= 200 && data[i + 3 - 8] >= 200) dot = { x: (p % canvas.width) / scale, y: Math.floor(p / canvas.width) / scale };
    }
    return { dot, colours: colours.size };
  });
}

async function openMap(page: Page): Promise<Locator> {
  await openTab(page, 'Inside the network');
  await page.getByText('Map of the last hidden layer').click();
  const map = page.getByRole('group', { name: 'Embedding map of 2,000 test images' });
  await expect(map).toBeVisible();
  return map;
}

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: the embedding map shows each test image as a dot of its class, and opens it with its saliency`, async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, samples: 1000, epochs: 1 });
      await trainButton(page).click();
      await waitForRunEnd(page);

      const map = await openMap(page);
      await expect(page.getByText(/^The first 2,000 test images, placed by what layer 1 \(32 values\) makes of them after epoch 1/)).toBeVisible();
      const legend = page.getByRole('list', { name: 'Classes and their colours' });
      await expect(legend.getByRole('listitem')).toHaveCount(10);
      await expect(legend.getByRole('listitem').first()).toHaveText(/^0 \(\d+\)$/);
      const { dot, colours } = await readMap(map);
      // Ten classes' colours (and their blends where dots overlap).
      expect(colours).toBeGreaterThanOrEqual(10);
      expect(dot.x).toBeGreaterThanOrEqual(0);
      expect(await axeViolations(page)).toEqual([]);

      const readout = page.getByText(/^Test image \d+: a \d, read as \d \(\d+%\)$/);
      const tip = page.getByRole('tooltip');
      if (viewport.touch) {
        // The keyboard: focus picks a dot, the arrows move to the next one that way.
        await map.focus();
        await expect(tip).toBeVisible();
        const first = await readout.textContent();
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowDown');
        await expect(readout).not.toHaveText(first ?? '');
        await expect(tip.getByRole('img', { name: /^Test image \d+$/ })).toBeVisible();
        await expect(tip).toContainText(/a \d, read as \d \d+%/);
        await page.keyboard.press('Enter');
      } else {
        await map.scrollIntoViewIfNeeded();
        const box = (await map.boundingBox())!;
        await page.mouse.move(box.x + dot.x + 1, box.y + dot.y + 1);
        await expect(tip.getByRole('img', { name: /^Test image \d+$/ })).toBeVisible();
        await expect(tip).toContainText(/a \d, read as \d \d+%/);
        await expect(readout).toBeVisible();
        await page.mouse.click(box.x + dot.x + 1, box.y + dot.y + 1);
      }
      const opened = page.getByRole('dialog', { name: /^Test image \d+$/ });
      await expect(opened).toBeVisible();
      await expect(opened.getByText(/^A \d, read as \d$/)).toBeVisible();
      await expect(opened.getByRole('list', { name: 'Predicted probabilities' }).getByRole('listitem')).toHaveCount(3);
      await opened.getByLabel('Show saliency').check();
      await expectSaliencyIn(opened.getByRole('img', { name: /^Saliency of test image \d+: / }));
      expect(await axeViolations(page)).toEqual([]);
      await opened.getByRole('button', { name: 'Close' }).click();
      await expect(opened).toHaveCount(0);

      // A confusion cell's images get the same overlay.
      await openTab(page, 'Curves and evaluation');
      await page.getByRole('button', { name: /^Actual 1, predicted 1: / }).click();
      const cell = page.getByRole('dialog', { name: '1s read correctly' });
      await cell.getByLabel('Show saliency').check();
      await expectSaliencyIn(cell.getByRole('img', { name: /^Saliency of test image \d+: / }).first());
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}

/** Some pixels are coloured red or blue, and not all alike: a map, not a blank or a grey image. */
async function expectSaliencyIn(map: Locator): Promise<void> {
  await expect(map).toBeVisible();
  await expect
    .poll(() =>
      map.evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const shades = new Set<number>();
        for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) shades.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return shades.size;
      }),
    )
    .toBeGreaterThan(20);
}
