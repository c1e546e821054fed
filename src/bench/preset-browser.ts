/**
 * `npm run bench:preset -- src/presets/NAME.json`: trains a preset in full in the app's
 * training worker in headless Chromium (the bench page, as the Train button runs it)
 * and prints each epoch's training seconds and test accuracy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../formats/error-text.ts';
import { parseConfig } from '../formats/config-format.ts';
import { ROOT, withPageInChromium } from './chromium.ts';
import type { BrowserPresetResult } from './browser/protocol.ts';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('Give a preset file: npm run bench:preset -- src/presets/cnn-fast.json');
  const config = parseConfig(readFileSync(file, 'utf8'));
  const site = { root: join(import.meta.dirname, 'browser'), outDir: join(ROOT, 'artifacts', 'bench-browser'), port: 4185 };
  const result = await withPageInChromium(site, async (browser, url): Promise<BrowserPresetResult> => {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`browser: ${message.text()}\n`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.benchPreset !== undefined);
    return await page.evaluate((c) => (window.benchPreset as NonNullable<Window['benchPreset']>)(c), config);
  });
  console.log(`${file} in ${result.userAgent} (kernels: ${result.kernels})`);
  let training = 0;
  for (const [e, epoch] of result.epochs.entries()) {
    training += epoch.seconds;
    console.log(`Epoch ${e + 1}: ${epoch.seconds.toFixed(1)} s of training (${training.toFixed(1)} s in all), test accuracy ${(100 * epoch.testAccuracy).toFixed(2)}%`);
  }
  console.log(`Wall clock from Train to finished, test evaluations included: ${result.wallSeconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
