import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadMnistNode } from '../src/cli/node-mnist.ts';
import { bestKernels } from '../src/engine/kernels.ts';
import { evaluate } from '../src/engine/metrics.ts';
import { Network } from '../src/engine/network.ts';
import { createRng } from '../src/engine/rng.ts';
import { Trainer } from '../src/engine/train.ts';
import { parseConfig } from '../src/formats/config-format.ts';
import { cliProcess } from '../src/testing/cli-run.ts';
import { TWO_WORKER_CNN } from '../src/testing/two-worker-cnn.ts';
import { confusionCounts, SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

// The same config and seed must give the same model in Node (the CLI) and in the browser's
// worker: the browser's confusion matrix is compared count for count with one computed here.
test('a seeded run in the browser matches the same run in Node, count for count', async ({ page }) => {
  const run = { ...SMALL_RUN, epochs: 1, samples: 2000 };

  const config = parseConfig(JSON.stringify(run));
  const rng = createRng(config.seed);
  const network = Network.create(config.layers, config.activations, config.init, rng);
  new Trainer(network, config, loadMnistNode('train'), rng).runEpoch();
  const inNode = evaluate(network, loadMnistNode('test')).confusion;

  await page.goto('/');
  await typeConfigJson(page, run);
  // Unsplit batches, as the Trainer above trains them.
  await page.getByLabel('Use both cores').uncheck();
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByText('Finished 1 epoch.')).toBeVisible();

  expect(await confusionCounts(page)).toEqual(inNode);
});

/** Batches of 15 over 340 samples (a last batch of 10), with batch normalisation. */
const CNN_RUN = { ...TWO_WORKER_CNN, epochs: 1, samples: 340 };

test('"Use both cores" in the browser and the CLI on two threads save the same model file, byte for byte', async ({ page }) => {
  // A CLI run, a page load with the dataset's download and a run in one test.
  test.slow();
  const folder = mkdtempSync(join(tmpdir(), 'both-cores-'));
  writeFileSync(join(folder, 'cnn.json'), JSON.stringify(CNN_RUN));
  const cli = await cliProcess(['train', '--config', join(folder, 'cnn.json'), '--workers', '2', '--out', join(folder, 'cli.json')]);
  expect(cli.stderr).toBe('');
  expect(cli.stdout).toContain('Training in two threads: each batch split in two halves.');

  await page.goto('/');
  await expect(page.getByLabel('Use both cores')).toBeChecked();
  await typeConfigJson(page, CNN_RUN);
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByRole('status').filter({ hasText: /^Finished/ })).toHaveText(/ Two workers; the second did \d{1,3}% of second halves\.$/);
  await page.getByRole('tab', { name: 'Draw a digit' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);

  // Byte for byte but the moment each was saved.
  const withoutSaveTime = (text: string) => text.replace(/"savedAt": ?"[^"]*"/, '"savedAt": ""');
  const inPage = withoutSaveTime(readFileSync(await download.path(), 'utf8'));
  const inCli = withoutSaveTime(readFileSync(join(folder, 'cli.json'), 'utf8'));
  expect({ ...(JSON.parse(inPage) as object), layers: null }).toEqual({ ...(JSON.parse(inCli) as object), layers: null });
  expect(inPage === inCli).toBe(true);
  // Both name the kernels they trained on: the fastest this machine has, the same in Node and Chromium.
  expect(JSON.parse(inPage)).toMatchObject({ kernels: bestKernels() });
});
