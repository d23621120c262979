import { expect, test } from '@playwright/test';
import { saveScreenshot, signInAsGuest } from './helpers';

test.describe('Goldenpath smoke', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('should list the example entities in the catalog', async ({ page }) => {
    await page.goto('/?filters[kind]=component&filters[user]=all');
    for (const name of ['Validator Alpha', 'Payments API', 'Status Page', 'Goldenpath']) {
      await expect(page.getByRole('link', { name, exact: true }).first()).toBeVisible();
    }
    await saveScreenshot(page, 'catalog');
  });

  test('should open an entity page', async ({ page }) => {
    await page.goto('/?filters[kind]=component&filters[user]=all');
    await page.getByRole('link', { name: 'Validator Alpha', exact: true }).first().click();
    await expect(page).toHaveURL(/\/catalog\/default\/component\/validator-alpha/);
    await expect(page.getByRole('heading', { name: 'Validator Alpha' }).first()).toBeVisible();
    await expect(page.getByText('Polkadot validator node reconciled by the Goldenpath validator operator').first()).toBeVisible();
    await saveScreenshot(page, 'entity-validator-alpha');
  });

  test('should show the Create page with the registered templates', async ({ page }) => {
    await page.goto('/create');
    await expect(page.getByText(/Create a new component|Templates|Choose a template/i).first()).toBeVisible();
    await saveScreenshot(page, 'create');
  });

  test("should render the suite's TechDocs", async ({ page }) => {
    await page.goto('/docs/default/component/goldenpath');
    // TechDocs renders the mkdocs site inside a shadow root; Playwright's locators pierce it.
    const text = page.getByText('Goldenpath is a Backstage plugin suite with Software Templates').first();
    await expect(text).toBeVisible({ timeout: 90_000 });
    // A first visit may trigger a rebuild; wait until the fresh build has replaced the page.
    await expect(page.getByText(/documentation is being prepared/i)).toHaveCount(0, { timeout: 90_000 });
    // The reader keeps the page hidden behind a progress bar until the site's CSS has loaded.
    await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 90_000 });
    await expect(text).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Data flow' }).first()).toBeVisible();
    await saveScreenshot(page, 'techdocs');
  });
});
