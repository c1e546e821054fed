import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium where it exists (CI and this project's machines); Playwright's own browser elsewhere.
const debianChromium = '/usr/bin/chromium';
// E2E_PORT lets several checkouts run their e2e suites side by side without reusing each other's server.
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  forbidOnly: !!process.env.CI,
  // One retry everywhere, so a run behaves the same on a laptop and in CI; a retried test is
  // reported as flaky, and flaky is a defect to fix, not to live with.
  retries: 1,
  // Specs are independent (each its own browser context and storage), so two run at once; the
  // time they spend waiting on the page overlaps with the other's training.
  workers: 2,
  fullyParallel: true,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    // Recording a trace costs every test its snapshots and screencast, whether kept or not:
    // confusion-cell and draw-digits took 175 s and 218 s with it, 96 s and 112 s without, run
    // alternately at load 12-22 (2026-12-06). A test that fails is run again (retries above), and
    // that second run records one.
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    ...devices['Desktop Chrome'],
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: existsSync(debianChromium) ? debianChromium : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
