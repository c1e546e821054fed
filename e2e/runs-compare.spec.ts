import { expect, test, type Page } from '@playwright/test';
import { openTab, screenshot, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

const runRows = (page: Page) =>
  page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ has: page.getByRole('textbox', { name: 'Run name' }) });

async function expectOverlay(page: Page, names: string[]) {
  for (const title of ['Test accuracy by epoch', 'Test accuracy by training time']) {
    const figure = page.getByRole('figure', { name: title });
    await expect(figure.locator('path.recharts-line-curve')).toHaveCount(names.length);
    await expect(figure.getByRole('list', { name: `${title} legend` }).getByRole('listitem')).toHaveText(names);
  }
}

test('two runs with different batch sizes overlaid, and the table marks the batch size as their difference', async ({ page }) => {
  await page.goto('/');
  for (const batchSize of [32, 128]) {
    await typeConfigJson(page, { ...SMALL_RUN, batch_size: batchSize });
    await trainButton(page).click();
    await waitForRunEnd(page);
  }
  await openTab(page, 'Runs');
  const rows = runRows(page);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('finished');
  await expect(rows.nth(1)).toContainText('finished');

  // A run's name is editable, and the legend uses it.
  await rows.nth(0).getByRole('textbox', { name: 'Run name' }).fill('Small batches');
  await page.getByRole('checkbox', { name: 'Compare Small batches' }).check();
  await page.getByRole('checkbox', { name: /^Compare Run 2/ }).check();
  await expectOverlay(page, ['Small batches', 'Run 2 · 784-32-10 · batch 128']);

  const table = page.getByRole('table', { name: 'Hyperparameters of the selected runs' });
  const differing = table.locator('tbody tr[data-differs="true"]');
  await expect(differing).toHaveCount(1);
  await expect(differing.getByRole('rowheader')).toHaveText('Batch size (differs)');
  await expect(differing.getByRole('cell')).toHaveText(['32', '128']);
  await expect(table.getByRole('row', { name: /^Learning rate/ })).toHaveAttribute('data-differs', 'false');
  // The by-time chart spends its width on the runs: the longest one reaches the right edge.
  for (const name of ['Test accuracy by epoch', 'Test accuracy by training time']) {
    const { rightmost, plotRight, plotLeft } = await page.getByRole('figure', { name }).evaluate((figure) => {
      const xs = [...figure.querySelectorAll('path.recharts-line-curve')].flatMap((path) =>
        [...(path.getAttribute('d') ?? '').matchAll(/[ML]\s*([\d.]+)/g)].map((m) => Number(m[1])),
      );
      const grid = [...figure.querySelectorAll('.recharts-cartesian-grid-horizontal line')].map((line) => [Number(line.getAttribute('x1')), Number(line.getAttribute('x2'))]);
      return { rightmost: Math.max(...xs), plotLeft: grid[0][0], plotRight: grid[0][1] };
    });
    expect(rightmost - plotLeft, name).toBeGreaterThan(0.97 * (plotRight - plotLeft));
  }
  await page.getByRole('heading', { name: 'Runs' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'runs-compare');
});

test('the batch-size experiment queues three runs and overlays them', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, samples: 1000 });
  await openTab(page, 'Runs');
  // What it will train is on screen before the click: the editor's epochs and samples.
  await expect(page.getByText(/^The experiment trains the config in the editor three times/)).toContainText(
    `for ${SMALL_RUN.epochs} epochs of 1,000 samples each`,
  );
  await page.getByRole('button', { name: 'Experiment: per-sample vs batch 32 vs batch 128' }).click();
  await expect(runRows(page)).toHaveCount(3, { timeout: 120_000 });
  await expect(runRows(page).nth(2)).toContainText('finished', { timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: /^Experiment:/ })).toHaveCount(0);
  await expectOverlay(page, ['Run 1 · 784-32-10 · per-sample', 'Run 2 · 784-32-10 · batch 32', 'Run 3 · 784-32-10 · batch 128']);
  await expect(page.getByRole('table', { name: 'Hyperparameters of the selected runs' }).locator('tbody tr[data-differs="true"] th')).toHaveText([
    'Batch size (differs)',
  ]);
});
