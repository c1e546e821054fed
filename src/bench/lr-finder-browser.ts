/**
 * `npm run bench:lr-finder [-- runs]`: how long "Find a learning rate" takes for the
 * page's default config (the Fast preset) in the app's training worker, in headless Chromium,
 * from the click to the suggestion on screen. The first run also loads MNIST; the figures
 * after it are the range test alone.
 */
import { join } from 'node:path';
import { errorText } from '../formats/error-text.ts';
import { ROOT, withPageInChromium } from './chromium.ts';

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 4);
  const site = { root: ROOT, outDir: join(ROOT, 'artifacts', 'bench-lr-finder'), port: 4186 };
  await withPageInChromium(site, async (browser, url) => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByRole('tab', { name: 'Runs' }).click();
    for (let run = 1; run <= runs; run++) {
      const button = page.getByRole('button', { name: 'Find a learning rate' });
      await button.waitFor();
      const { seconds, text } = await page.evaluate(
        () =>
          new Promise<{ seconds: number; text: string }>((resolve) => {
            const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Find a learning rate') as HTMLButtonElement;
            const started = performance.now();
            let cleared = false;
            const observer = new MutationObserver(() => {
              const result = document.querySelector('.lr-result');
              if (!result) cleared = true;
              else if (cleared) {
                observer.disconnect();
                resolve({ seconds: (performance.now() - started) / 1000, text: result.textContent ?? '' });
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            button.click();
          }),
      );
      const batches = /after (\d+) batches/.exec(text)?.[1];
      const suggested = /Suggested learning rate: ([\d.e-]+)/.exec(text)?.[1] ?? 'none';
      console.log(`Run ${run}${run === 1 ? ' (loads MNIST too)' : ''}: ${seconds.toFixed(2)} s, ${batches} batches, suggested ${suggested}`);
    }
  });
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
