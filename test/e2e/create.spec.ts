import { expect, Locator, Page, test } from '@playwright/test';
import { saveScreenshot, signInAsGuest } from './helpers';

/*
 * Create → choose a template → fill the form → run it with local publishing → every step passes →
 * the new entity is in the catalog and its page opens. The backend must run with the golden-path
 * module and goldenpath.localPublish (make e2e does this).
 */

/** A name nobody used yet: publish:local refuses to overwrite an existing repository. */
function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`;
}

async function chooseTemplate(page: Page, title: string): Promise<void> {
  await page.goto('/create');
  const card = page
    .locator('div')
    .filter({ has: page.getByText(title, { exact: true }) })
    .filter({ has: page.getByTestId('template-card-actions--create') })
    .last();
  await card.getByTestId('template-card-actions--create').click();
  await expect(page.getByRole('heading', { name: title }).first()).toBeVisible();
}

function field(page: Page, label: string): Locator {
  return page.getByRole('textbox', { name: new RegExp(`^${label}`) }).first();
}

/**
 * Picks an option of an entity picker (OwnerPicker, EntityPicker) by typing part of its name.
 * Options show the entity's display name when it has one (e.g. "Platform Team").
 */
async function pickEntity(page: Page, label: string, search: string, option: RegExp): Promise<void> {
  const input = page.getByRole('combobox', { name: new RegExp(`^${label}`) }).or(field(page, label)).first();
  await input.click();
  await input.fill(search);
  await page.getByRole('option', { name: option }).first().click();
}

/** Picks a value of an enum field (rjsf select). */
async function selectEnum(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page
    .getByRole('combobox', { name: new RegExp(`^${label}`) })
    .or(page.getByRole('button', { name: new RegExp(`^${label}`) }))
    .first()
    .click();
  await page.getByRole('option', { name: option }).first().click();
}

async function next(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Next' }).click();
}

/** Submits the reviewed form and waits until the task finished with every step passing. */
async function createAndWait(page: Page, screenshot: string, stepNames: string[]): Promise<void> {
  await page.getByRole('button', { name: 'Review' }).click();
  await saveScreenshot(page, `${screenshot}-review`);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\//);
  // The output links appear only after the last step finished successfully.
  await expect(page.getByRole('link', { name: 'Open in catalog' }).or(page.getByRole('button', { name: 'Open in catalog' })).first())
    .toBeVisible({ timeout: 90_000 });
  for (const name of stepNames) {
    await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByText(/failed/i)).toHaveCount(0);
  await saveScreenshot(page, `${screenshot}-task`);
}

async function openEntity(page: Page, name: string, screenshot: string): Promise<void> {
  await page.getByRole('link', { name: 'Open in catalog' }).or(page.getByRole('button', { name: 'Open in catalog' })).first().click();
  await expect(page).toHaveURL(new RegExp(`/catalog/default/component/${name}`));
  await expect(page.getByRole('heading', { name }).first()).toBeVisible({ timeout: 60_000 });
  await saveScreenshot(page, `${screenshot}-entity`);

  // And it is listed in the catalog.
  await page.goto('/?filters[kind]=component&filters[user]=all');
  await expect(page.getByRole('link', { name, exact: true }).first()).toBeVisible({ timeout: 60_000 });
}

test.describe('Create with the Goldenpath templates', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('should create a golden-path-service with local publishing', async ({ page }) => {
    test.setTimeout(240_000);
    const name = uniqueName('e2e-svc');
    await chooseTemplate(page, 'Golden-path service');

    await field(page, 'Name').fill(name);
    await field(page, 'Description').fill('End-to-end test service created by Playwright');
    await pickEntity(page, 'Owner', 'platform', /platform[- ]team/i);
    await pickEntity(page, 'System', 'payments', /payments/i);
    await selectEnum(page, 'Cost center', /cc-payments/);
    await selectEnum(page, 'Tier', /^tier-1/);
    await next(page);
    // Environments and budgets: the defaults (dev, staging, prod).
    await expect(page.getByText('Environments').first()).toBeVisible();
    await next(page);
    // Policies and publishing: Audit, local publishing, the demo organisation.
    await expect(page.getByText('Kyverno policy mode').first()).toBeVisible();

    await createAndWait(page, 'create-golden-path-service', [
      'Render the service skeleton',
      'Generate the signed pipelines',
      'Generate the Kyverno policies',
      'Validate every manifest, workflow and catalog file',
      'Publish to a local git repository',
    ]);
    await openEntity(page, name, 'create-golden-path-service');
  });

  test('should create a validator-node with local publishing', async ({ page }) => {
    test.setTimeout(240_000);
    const name = uniqueName('e2e-val');
    await chooseTemplate(page, 'Validator node');

    await field(page, 'Name').fill(name);
    await field(page, 'Description').fill('End-to-end test validator created by Playwright');
    await pickEntity(page, 'Owner', 'platform', /platform[- ]team/i);
    await pickEntity(page, 'System', 'validator', /validator[- ]platform/i);
    await selectEnum(page, 'Cost center', /cc-platform/);
    await next(page);
    // Chain and sync policy: westend validator by default; the node image must be digest-pinned.
    await field(page, 'Node image').fill(`docker.io/parity/polkadot@sha256:${'ab12'.repeat(16)}`);
    await next(page);
    // Hot key: a reference in the secret store, never the key.
    await field(page, 'Key path in the store').fill(`validators/${name}/keystore`);
    await next(page);

    await createAndWait(page, 'create-validator-node', [
      'Render the repository skeleton',
      'Generate the validator operator and the ValidatorNode',
      'Validate every manifest, workflow and catalog file',
      'Publish to a local git repository',
    ]);
    await openEntity(page, name, 'create-validator-node');
  });
});
