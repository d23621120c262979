import { defineConfig } from '@playwright/test';

// Runs against the preview environment of the pull request (e2e.yml sets BASE_URL).
export default defineConfig({
  testDir: 'e2e',
  retries: 0,
  reporter: [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  use: { baseURL: process.env.BASE_URL ?? 'http://localhost:8080' },
});
