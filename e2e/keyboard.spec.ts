import { expect, test, type Page } from '@playwright/test';
import { LONG_RUN } from './helpers';

/** What has the keyboard focus: its tag, a button's label, and whether its focus ring shows. */
async function focused(page: Page): Promise<{ tag: string; text: string; ring: boolean }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return {
      tag: element?.tagName ?? 'none',
      text: element instanceof HTMLButtonElement ? (element.textContent?.trim() ?? '') : '',
      ring: element?.matches(':focus-visible') ?? false,
    };
  });
}

async function expectFocusOn(page: Page, name: string): Promise<void> {
  await expect.poll(() => focused(page)).toEqual({ tag: 'BUTTON', text: name, ring: true });
}

// The story ends the run with Stop.
test('keyboard only: skip link, Train, Pause, Resume and Stop keep the focus on a visible control', async ({ page }) => {
  await page.goto(LONG_RUN);
  const status = page.getByRole('status').filter({ hasText: /^(Ready|Training|Starting|Loading|Paused|Pausing|Stopped)/ });

  // The first Tab reaches the skip link, which shows itself; Enter moves focus to the controls.
  // A Tab pressed before the app has drawn its page would find nothing to focus yet.
  await expect(status).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to training controls' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('training');
  // Skipping is not a config link: the address keeps the config and no error appears.
  expect(new URL(page.url()).hash).toContain('epochs=50');
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The next Tab is Train.
  await page.keyboard.press('Tab');
  await expectFocusOn(page, 'Train');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText(/^Training epoch 1 of 50/, { timeout: 90_000 });
  // Train cannot be pressed again mid-run; the focus goes to the control that can act now.
  await expectFocusOn(page, 'Pause');

  await page.keyboard.press('Enter');
  await expect(status).toHaveText(/^Paused in epoch 1/);
  await expectFocusOn(page, 'Resume');

  await page.keyboard.press('Enter');
  await expect(status).toHaveText(/^Training epoch 1 of 50/);
  await expectFocusOn(page, 'Pause');

  // Stop is a few Tabs on, past the controls that cannot act now.
  await page.keyboard.press('Tab');
  await expectFocusOn(page, 'Resume');
  await page.keyboard.press('Tab');
  await expectFocusOn(page, 'Step one epoch');
  await page.keyboard.press('Tab');
  await expectFocusOn(page, 'Stop');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText(/^Stopped/);
  await expectFocusOn(page, 'Train');
});

test('keyboard only: the views are tabs that arrows, Home and End move between', async ({ page }) => {
  await page.goto('/');
  const tabs = page.getByRole('tablist', { name: 'Views' });
  await tabs.getByRole('tab', { name: 'Curves and evaluation' }).focus();

  await page.keyboard.press('ArrowRight');
  const draw = tabs.getByRole('tab', { name: 'Draw a digit' });
  await expect(draw).toBeFocused();
  await expect(draw).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Draw a digit' })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Curves and evaluation' })).toBeHidden();

  await page.keyboard.press('End');
  await expect(tabs.getByRole('tab', { name: 'Take it further' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Curves and evaluation' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.getByRole('tab', { name: 'Take it further' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(tabs.getByRole('tab', { name: 'Curves and evaluation' })).toHaveAttribute('aria-selected', 'true');

  // Only the open tab is a tab stop: Tab leaves the tab list for the open panel.
  await expect(tabs.locator('[tabindex="0"]')).toHaveCount(1);
});

test('keyboard only: the file pickers are buttons whose focus shows', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Preset').focus();
  await page.keyboard.press('Tab');
  const ringOnLabel = () =>
    page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement | null;
      const label = input?.closest('label');
      return { type: input?.type, label: label?.textContent?.trim(), outline: label ? getComputedStyle(label).outlineStyle : 'none' };
    });
  await expect.poll(ringOnLabel).toEqual({ type: 'file', label: 'Import config', outline: 'solid' });

  await page.getByRole('tab', { name: 'Draw a digit' }).click();
  const load = page.getByLabel('Load model');
  await load.focus();
  // Looks like its neighbour, Save model: a bordered button, not a bare file input.
  const looks = await load.evaluate((input) => {
    const label = input.closest('label') as HTMLElement;
    const save = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Save model') as HTMLElement;
    const style = (element: HTMLElement) => getComputedStyle(element);
    return { radius: style(label).borderRadius === style(save).borderRadius, inputWidth: input.getBoundingClientRect().width };
  });
  expect(looks).toEqual({ radius: true, inputWidth: 1 });
});
