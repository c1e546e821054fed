import { expect, test } from '@playwright/test';
import { axeViolations } from './axe';
import { atViewport, SMALL_RUN, trainButton, typeConfigJson, VIEWPORTS, waitForRunEnd } from './helpers';

const count = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

for (const viewport of VIEWPORTS.filter((screen) => screen.name !== 'desktop')) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ ...atViewport(viewport), bypassCSP: true });

    test(`${viewport.name}: the most confident mistakes, a page at a time, surest first`, async ({ page }) => {
      await page.goto('/');
      await typeConfigJson(page, { ...SMALL_RUN, samples: 1000, epochs: 1 });
      await trainButton(page).click();
      await waitForRunEnd(page);
      const correct = /\(([\d,]+) of ([\d,]+) correct\)/.exec((await page.getByText(/of [\d,]+ correct\)$/).textContent()) ?? '');
      const wrong = count(correct![2]) - count(correct![1]);

      await page.getByText('Most confident mistakes', { exact: true }).click();
      const list = page.getByRole('list', { name: 'Most confident mistakes' });
      await expect(page.getByText(/mistakes, the surest first$/)).toHaveText(`1–24 of ${wrong.toLocaleString('en-US')} mistakes, the surest first`);
      await expect(list.getByRole('listitem')).toHaveCount(24);
      const sureness = async () =>
        (await list.locator('.mistake-guess').allTextContents()).map((text) => {
          const [, guess, percent] = /^Read as (\d): ([\d.]+)%$/.exec(text)!;
          return { guess, percent: Number(percent) };
        });
      const first = await sureness();
      // Each is a mistake: the true class named under it differs from the answer.
      const truths = await list.locator('.image-card > span.muted').allTextContents();
      first.forEach(({ guess }, i) => expect(truths[i]).not.toMatch(new RegExp(`^Is ${guess}:`)));
      expect(first.map((f) => f.percent)).toEqual([...first.map((f) => f.percent)].sort((a, b) => b - a));

      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByText(/mistakes, the surest first$/)).toHaveText(new RegExp(`^25–48 of ${wrong.toLocaleString('en-US')} `));
      await expect(list).toHaveAttribute('start', '25');
      const second = await sureness();
      expect(second[0].percent).toBeLessThanOrEqual(first[first.length - 1].percent);
      await expect(list.getByRole('img').first()).toHaveAccessibleName(/^Test image \d+, a \d read as \d$/);
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
