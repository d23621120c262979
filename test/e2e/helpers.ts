import { expect, Page } from '@playwright/test';
import fs from 'fs';
import path from 'path';

/** Folder (gitignored) where browser tests save their screenshots. */
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../artifacts/e2e');

/**
 * Signs in through the guest provider's "Enter" button, as a newcomer does.
 */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(page.getByRole('link', { name: 'Catalog', exact: true }).first()).toBeVisible();
}

/**
 * Saves a full-page screenshot under `artifacts/e2e/<name>.png`.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}
