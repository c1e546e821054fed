import { expect, test, type Page } from '@playwright/test';

const parsedJson = async (page: Page) => JSON.parse(await page.getByLabel('Config JSON').inputValue()) as Record<string, unknown>;

test('presets and config files load into both editors; an exported config imports back', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Preset').selectOption({ label: 'Deeper' });
  await expect(page.getByLabel('Hidden layer 2 units')).toHaveValue('128');
  await expect.poll(async () => (await parsedJson(page)).dropout).toBe(0.2);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export config' }).click();
  const exported = await (await download).path();

  await page.getByLabel('Preset').selectOption({ index: 0 });
  await expect(page.getByLabel('Hidden layer 2 units')).toHaveCount(0);
  await page.getByLabel('Import config').setInputFiles(exported);
  await expect(page.getByLabel('Hidden layer 2 units')).toHaveValue('128');
  await expect(page.getByLabel('Preset')).toHaveValue('2');

  // A broken file is refused with the reason, and the editor keeps what it had.
  await page.getByLabel('Import config').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"layers": [784, 10], "activations": ["Softmax"], "learning_rate": -1}'),
  });
  await expect(page.getByRole('alert')).toContainText('broken.json');
  await expect(page.getByRole('alert')).toContainText('learning_rate');
  await expect(page.getByLabel('Hidden layer 2 units')).toHaveValue('128');

  // The one-epoch preset with batch normalisation reaches the editors whole.
  await page.getByLabel('Preset').selectOption({ label: 'CNN (99% fast)' });
  await expect.poll(async () => (await parsedJson(page)).batch_size).toBe(128);
  const layers = (await parsedJson(page)).layers as { type: string }[];
  expect(layers.filter((layer) => layer.type === 'batchnorm')).toHaveLength(3);
});
