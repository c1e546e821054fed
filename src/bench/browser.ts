/**
 * Our engine in the browser, as users run it: builds the bench page (src/bench/browser)
 * with the app's vite config, serves it with `vite preview`, and drives it in
 * headless Chromium through Playwright.
 */
import type { BrowserCase, BrowserResult } from './browser/protocol.ts';
import { benchPageSite, withPageInChromium } from './chromium.ts';

/** Times `cases` in the app's training worker; the page's console errors are passed to `log`. */
export async function timeInBrowser(cases: BrowserCase[], log: (line: string) => void): Promise<BrowserResult> {
  // Apart from the e2e server's 4173, so both can run at once.
  const site = benchPageSite(4183);
  return withPageInChromium(site, async (browser, url) => {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') log(`  browser: ${message.text()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.benchWorker !== undefined);
    return await page.evaluate((c) => (window.benchWorker as NonNullable<Window['benchWorker']>)(c), cases);
  });
}
