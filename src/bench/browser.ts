/**
 * Our engine in the browser, as users run it: builds the bench page (src/bench/browser)
 * with the app's vite config, serves it with `vite preview`, and drives it in
 * headless Chromium through Playwright.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import type { BrowserCase, BrowserResult } from './browser/protocol.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, 'artifacts', 'bench-browser');
/** Apart from the e2e server's 4173, so both can run at once. */
const PORT = 4183;
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Times `cases` in the app's training worker; the page's console errors are passed to `log`. */
export async function timeInBrowser(cases: BrowserCase[], log: (line: string) => void): Promise<BrowserResult> {
  const inline = {
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(import.meta.dirname, 'browser'),
    publicDir: join(ROOT, 'public'),
    logLevel: 'warn' as const,
    build: { outDir: OUT_DIR, emptyOutDir: true },
    preview: { port: PORT, strictPort: false },
  };
  await build(inline);
  const server = await preview(inline);
  const browser = await chromium.launch({
    executablePath: existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') log(`  browser: ${message.text()}`);
    });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview gave no local URL');
    await page.goto(url);
    await page.waitForFunction(() => window.benchWorker !== undefined);
    return await page.evaluate((c) => (window.benchWorker as NonNullable<Window['benchWorker']>)(c), cases);
  } finally {
    await browser.close();
    await server.close();
  }
}
