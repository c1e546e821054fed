import { expect, test } from '@playwright/test';
import { loadMnistNode } from '../src/cli/node-mnist.ts';
import { evaluate } from '../src/engine/metrics.ts';
import { Network } from '../src/engine/network.ts';
import { createRng } from '../src/engine/rng.ts';
import { Trainer } from '../src/engine/train.ts';
import { parseConfig } from '../src/formats/config-format.ts';
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
  await trainButton(page).click();
  await waitForRunEnd(page);
  await expect(page.getByText('Finished 1 epoch.')).toBeVisible();

  expect(await confusionCounts(page)).toEqual(inNode);
});
