import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './axe';
import { atViewport, trainButton, VIEWPORTS } from './helpers';

const SECTIONS = ['Layers', 'Training', 'Overfitting', 'As JSON'];

function section(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

const PHONE = VIEWPORTS.find((viewport) => viewport.name === 'phone')!;
const LAPTOP = VIEWPORTS.find((viewport) => viewport.name === 'laptop')!;

test.describe('phone', () => {
  test.use({ ...atViewport(PHONE), bypassCSP: true });

  test('on a phone the form starts folded, one line a section, so the dataset, the preset and what follows the form are a short scroll away; a section opens to edit a field', async ({ page }) => {
    await page.goto('/');
    await expect(trainButton(page)).toBeVisible();
    for (const name of SECTIONS) await expect(section(page, name)).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByLabel('Learning rate')).toBeHidden();
    await expect(page.getByLabel('Config JSON')).toBeHidden();
    await expect(page.getByText(/ → 128 → 10 · 101,770 parameters$/)).toBeVisible();

    // The dataset and the preset on the first screen; the whole folded form within one more.
    const dataset = (await page.getByRole('radio', { name: /^MNIST/ }).boundingBox())!;
    const preset = (await page.getByRole('combobox', { name: 'Preset' }).boundingBox())!;
    expect(dataset.y + dataset.height).toBeLessThanOrEqual(PHONE.height);
    expect(preset.y + preset.height).toBeLessThanOrEqual(PHONE.height);
    const form = (await page.getByRole('region', { name: 'Network' }).boundingBox())!;
    expect(form.y + form.height, 'the Network panel’s end').toBeLessThanOrEqual(2 * PHONE.height);
    expect(await axeViolations(page), 'axe, folded').toEqual([]);

    // A finger opens Training and edits a field; the edit is the config's.
    await section(page, 'Training').tap();
    await expect(section(page, 'Training')).toHaveAttribute('aria-expanded', 'true');
    await page.getByLabel('Learning rate').fill('0.01');
    await page.getByLabel('Learning rate').blur();
    await section(page, 'Training').tap();
    await expect(page.getByLabel('Learning rate')).toBeHidden();
    await expect(page.getByText(/, learning rate 0\.01, /)).toBeVisible();

    // The keyboard opens one too (Enter and Space on the section's button).
    await section(page, 'As JSON').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Config JSON')).toHaveValue(/"learning_rate": 0\.01\b/);
    await section(page, 'Layers').focus();
    await page.keyboard.press(' ');
    await expect(page.getByLabel('Hidden layer 1 Units')).toBeVisible();
    expect(await axeViolations(page), 'axe, unfolded').toEqual([]);
  });

  test('on a phone the JSON section stays open while its text is refused, so the problem stays in sight', async ({ page }) => {
    await page.goto('/');
    await section(page, 'As JSON').tap();
    await page.getByLabel('Config JSON').fill('{ "learning_rate": ');
    await expect(page.getByRole('alert')).toBeVisible();
    await section(page, 'As JSON').tap();
    await expect(section(page, 'As JSON')).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByLabel('Config JSON')).toBeVisible();
  });
});

test.describe('laptop', () => {
  test.use(atViewport(LAPTOP));

  test('on a laptop the form is open as before', async ({ page }) => {
    await page.goto('/');
    await expect(trainButton(page)).toBeVisible();
    for (const name of SECTIONS) await expect(section(page, name)).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByLabel('Learning rate')).toBeVisible();
    await expect(page.getByLabel('Config JSON')).toBeVisible();
    await expect(page.getByLabel('Hidden layer 1 Units')).toBeVisible();
  });
});
