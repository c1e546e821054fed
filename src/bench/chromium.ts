/**
 * A build of a page served by `vite preview` and opened in headless Chromium, for the
 * benchmarks that measure the app as users run it. Debian's Chromium where it exists,
 * Playwright's own elsewhere; closed again whatever `visit` does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { build, preview } from 'vite';

export const ROOT = join(import.meta.dirname, '..', '..');
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PageSite {
  /** The folder whose index.html is built (the app's root, or a bench page's). */
  root: string;
  /** Where the build goes, under artifacts/. */
  outDir: string;
  /** A port apart from the e2e server's 4173 (the next free one is taken if it is busy). */
  port: number;
  /** Chromium flags beyond the usual ones. */
  extraFlags?: string[];
}

/** The bench page (src/bench/browser), which starts the app's training worker as the page does, served on `port`. */
export function benchPageSite(port: number): PageSite {
  return { root: join(import.meta.dirname, 'browser'), outDir: join(ROOT, 'artifacts', 'bench-browser'), port };
}

/** The browser and flags every bench launches, for a bench that launches its own (a persistent profile). */
export function chromiumLaunchOptions(extraFlags: string[] = []): { executablePath: string | undefined; args: string[] } {
  return { executablePath: existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined, args: [...FLAGS, ...extraFlags] };
}

export async function withPageInChromium<T>(site: PageSite, visit: (browser: Browser, url: string) => Promise<T>): Promise<T> {
  const inline = {
    configFile: join(ROOT, 'vite.config.ts'),
    root: site.root,
    publicDir: join(ROOT, 'public'),
    logLevel: 'warn' as const,
    build: { outDir: site.outDir, emptyOutDir: true },
    preview: { port: site.port, strictPort: false },
  };
  await build(inline);
  const server = await preview(inline);
  const browser = await chromium.launch(chromiumLaunchOptions(site.extraFlags));
  try {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview gave no local URL');
    return await visit(browser, url);
  } finally {
    await browser.close();
    await server.close();
  }
}
