import { expect, test, type Page } from '@playwright/test';
import { openTab, unfold } from './helpers';

/**
 * Every option of every visible dropdown, as wide as its text renders in the select's own
 * font, beside the room the select gives it (its width less padding and the arrow).
 */
async function optionsThatDoNotFit(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    const cut: string[] = [];
    for (const select of document.querySelectorAll('select')) {
      if (select.offsetParent === null) continue;
      const style = getComputedStyle(select);
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // Chromium draws its arrow inside the padding-right of a styled select; leave it 4 px more.
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 4;
      for (const option of select.options) {
        const width = context.measureText(option.text).width;
        if (width > room) cut.push(`${select.labels[0]?.textContent ?? select.name}: "${option.text}" needs ${Math.ceil(width)} px, has ${Math.floor(room)}`);
      }
    }
    return cut;
  });
}

for (const [width, height] of [
  [390, 844],
  [1280, 720],
]) {
  test(`${width}×${height}: no dropdown cuts its labels`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    // On a phone the form starts folded: open every section so each dropdown is measured.
    for (const section of ['Layers', 'Training', 'Overfitting'] as const) await unfold(page, section);
    await expect(page.getByLabel('Optimizer')).toBeVisible();
    expect(await optionsThatDoNotFit(page)).toEqual([]);
    await openTab(page, 'Runs');
    expect(await optionsThatDoNotFit(page)).toEqual([]);
  });
}
