import { expect, Locator, Page, test } from '@playwright/test';
import { saveScreenshot, signInAsGuest } from './helpers';

/*
 * The Goldenpath entity cards on the example entities after the demo data is loaded
 * (`make start` runs examples/loaders/load-demo.ts): validator-alpha has telemetry (risk) and,
 * like payments-api, GitHub delivery events (DORA), Infracost and Terraform drift reports. Screenshots in light and dark
 * themes go to artifacts/e2e/.
 *
 * Selectors are the roles and labels the cards render: every card is a region named
 * "<Title> card" whose data-state is "data", "no-data" or "missing-annotation" once painted.
 */

const VALIDATOR = '/catalog/default/component/validator-alpha';
const PAYMENTS = '/catalog/default/component/payments-api';
const CARDS = ['Node health', 'Risk score', 'Drift', 'Cost delta', 'DORA metrics'] as const;

function card(page: Page, title: (typeof CARDS)[number]): Locator {
  return page.getByRole('region', { name: `${title} card`, exact: true }).first();
}

/** The text of a level label (icon + text; the icon's <title> is not the visible text). */
function levelText(scope: Locator, text: RegExp): Locator {
  return scope.locator('[data-level] > span').filter({ hasText: text }).first();
}

async function useTheme(page: Page, theme: 'light' | 'dark') {
  // Backstage's AppThemeSelector keeps the chosen theme id under localStorage `theme`.
  await page.addInitScript(id => window.localStorage.setItem('theme', id), theme);
}

async function expectAllCardsPainted(page: Page) {
  for (const title of CARDS) {
    const region = card(page, title);
    await expect(region, `${title} card`).toBeVisible();
    await expect(region, `${title} card has data`).toHaveAttribute('data-state', /^(data|no-data)$/);
  }
}

async function expectRiskValues(page: Page) {
  const risk = card(page, 'Risk score');
  await expect(risk).toHaveAttribute('data-state', 'data');
  await expect(risk.getByLabel(/^Composite risk \d+ of 100$/).first()).toBeVisible();
  await expect(levelText(risk, /^(ok|warning|critical)$/)).toBeVisible();
  for (const detector of ['Consensus desync', 'Hardware starvation & thermal', 'Storage I/O degradation', 'P2P eclipsing & isolation']) {
    await expect(risk.getByText(detector).first()).toBeVisible();
  }
  await expect(risk.getByRole('img', { name: /^24-hour composite risk trend of .+: \d+ to \d+, peak \d+$/ }).first()).toBeVisible();
}

async function expectHealthValues(page: Page) {
  const health = card(page, 'Node health');
  await expect(health).toHaveAttribute('data-state', 'data');
  await expect(health.getByText(/updated \d+ (s|min) ago/).first()).toBeVisible();
  // `make start` runs the demo cluster (examples/demo-cluster): the validator operator reconciles
  // validator-alpha-0 and -1 and writes their status, which the card lists.
  const nodes = health.getByRole('table', { name: 'Validator nodes' });
  for (const name of ['validator-alpha-0', 'validator-alpha-1']) {
    await expect(nodes.getByRole('row').filter({ hasText: name })).toContainText(
      /(Pending|Syncing|Synced|Degraded|Recovering|Failed)/,
    );
  }
}

async function expectGitOpsDrift(page: Page, status: RegExp) {
  const gitops = card(page, 'Drift').getByRole('region', { name: 'GitOps drift' });
  await expect(levelText(gitops, status)).toBeVisible();
}

async function expectDeliveryValues(page: Page) {
  const dora = card(page, 'DORA metrics');
  await expect(dora).toHaveAttribute('data-state', 'data');
  const frequency = dora.getByRole('row').filter({ hasText: 'Deployment frequency' });
  await expect(frequency).toContainText(/\d+(\.\d+)? \/ week/);
  await expect(dora.getByText(/^Auto-merge (revoked|allowed|revocation not evaluated)/).first()).toBeVisible();

  const cost = card(page, 'Cost delta');
  await expect(cost).toHaveAttribute('data-state', 'data');
  const deltas = cost.getByRole('table', { name: 'Latest cost delta per environment' });
  await expect(deltas.getByRole('row').nth(1)).toContainText(/\$[\d,]+\.\d{2}/);
  await expect(levelText(deltas, /^(within budget|soft fail|needs approval|approved \(finops-approved\)|over budget|no budget)$/)).toBeVisible();

  const drift = card(page, 'Drift');
  await expect(drift).toHaveAttribute('data-state', 'data');
  const infrastructure = drift.getByRole('region', { name: 'Infrastructure drift' });
  await expect(levelText(infrastructure, /^(in-sync|drifted|error)$/)).toBeVisible();
  await expect(infrastructure.getByText(/^last check \d+ (s|min|h|d) ago$/)).toBeVisible();
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`Reliability cards (${theme} theme)`, () => {
    test.beforeEach(async ({ page }) => {
      await useTheme(page, theme);
      await signInAsGuest(page);
    });

    test('should show real values on all five cards of validator-alpha', async ({ page }) => {
      await page.goto(VALIDATOR);
      await expect(page.locator('body')).toHaveAttribute('data-theme-mode', theme);
      await expectAllCardsPainted(page);
      await expectRiskValues(page);
      await expectHealthValues(page);
      await expectDeliveryValues(page);
      await expectGitOpsDrift(page, /^synced$/);
      await saveScreenshot(page, `reliability-cards-validator-alpha-${theme}`);
    });

    test('should show DORA, cost and drift values on payments-api', async ({ page }) => {
      await page.goto(PAYMENTS);
      await expectAllCardsPainted(page);
      await expectDeliveryValues(page);
      // The demo cluster's Argo CD Application payments-api is the recorded OutOfSync/Missing one.
      await expectGitOpsDrift(page, /^(out-of-sync|degraded)$/);
      await saveScreenshot(page, `reliability-cards-payments-api-${theme}`);
    });

    test('should open the Reliability tab with larger charts', async ({ page }) => {
      await page.goto(VALIDATOR);
      await page.getByRole('tab', { name: 'Reliability' }).or(page.getByRole('link', { name: 'Reliability', exact: true })).first().click();
      await expect(page).toHaveURL(/\/reliability$/);
      await expectAllCardsPainted(page);
      await expectRiskValues(page);
      await expect(page.getByRole('region', { name: /^Risk of / }).first()).toBeVisible();
      await saveScreenshot(page, `reliability-tab-validator-alpha-${theme}`);
    });
  });
}
