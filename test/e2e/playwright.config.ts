import { defineConfig } from '@playwright/test';
import path from 'path';

const repoRoot = path.resolve(__dirname, '../..');

/**
 * Browser tests against the running Goldenpath app (`make e2e` starts it first).
 * Uses Debian's Chromium; Playwright never downloads a browser here.
 */
export default defineConfig({
  testDir: __dirname,
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  outputDir: path.join(repoRoot, 'artifacts/e2e/results'),
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: path.join(repoRoot, 'artifacts/e2e/report') }],
  ],
  use: {
    baseURL: process.env.GOLDENPATH_APP_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
