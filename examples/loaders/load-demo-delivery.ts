/*
 * Loads delivery signals for the example entities: 90 days of GitHub webhooks (DORA), Infracost
 * cost reports and Terraform drift checks, all built from the real inputs in examples/data/webhooks
 * and examples/data/infracost.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs \
 *     examples/loaders/load-demo-delivery.ts --backend http://127.0.0.1:7007 --token <token> \
 *     [--webhook-secret goldenpath-dev-webhook-secret] [--force]
 *
 * Webhooks are signed with the dev webhook secret (`reliability.github.webhookSecrets` of
 * app-config.yaml) and posted like GitHub does; reports use the external-access token. Idempotent:
 * delivery ids and event ids are deterministic (a rerun is answered `duplicate` or collapses in
 * ClickHouse), and cost and drift reports are skipped for entities that already have some unless
 * --force is given. status-page gets cost but no webhooks, so its DORA card shows the
 * "lacks inputs" state.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const DAY = 24 * 3600_000;
const HOUR = 3600_000;
const DATA = resolve(__dirname, '../data');
const read = (file: string) => JSON.parse(readFileSync(resolve(DATA, file), 'utf8'));

/**
 * Infracost's golden outputs carry the test harness's `REPLACED_PROJECT_PATH/testdata/<case>` in
 * project names and paths (see examples/data/infracost/README.md). The files stay byte copies; what
 * the demo posts names the entity's own Terraform root instead, as a real pipeline run would.
 */
function withProjectPaths(infracost: unknown, ref: string, environment: string): unknown {
  const root = `infra/${ref.split('/').pop()}/${environment}`;
  return JSON.parse(
    JSON.stringify(infracost).replace(/REPLACED_PROJECT_PATH\/testdata\/[A-Za-z0-9_.-]+/g, root),
  );
}

type Webhook = { event: string; payload: Record<string, any>; key: string };

/** Deterministic pseudo-random numbers in [0, 1) (Park–Miller), seeded by a name. */
function random(seed: string) {
  let s = (createHash('sha256').update(seed).digest().readUInt32BE(0) % 2147483646) + 1;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/** Stable UUID-shaped delivery id of a demo event. */
function deliveryId(key: string): string {
  const h = createHash('sha256').update(`goldenpath-demo:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A production history: merged PRs, deployments with outcomes, a rollback and incidents. */
export function buildHistory(options: {
  slug: string;
  now: number;
  days: number;
  deployEveryDays: number;
  failEvery: number;
  incidents: number;
  idBase: number;
}): Webhook[] {
  const t = {
    pr: read('webhooks/pull_request.closed.json'),
    deployment: read('webhooks/deployment.created.json'),
    status: read('webhooks/deployment_status.created.json'),
    issue: read('webhooks/issues.opened.json'),
  };
  const rnd = random(options.slug);
  const [owner, name] = options.slug.split('/');
  const repository = {
    ...t.status.repository,
    name,
    full_name: options.slug,
    owner: { ...t.status.repository.owner, login: owner },
  };
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out: Webhook[] = [];
  const dayStart = Math.floor(options.now / DAY) * DAY;
  let prNumber = 100;
  let deploymentId = options.idBase;
  const shas: string[] = [];
  const deploy = (at: number, sha: string, state: 'success' | 'failure', task = 'deploy') => {
    deploymentId += 1;
    const deployment = {
      ...t.deployment.deployment,
      id: deploymentId,
      sha,
      ref: 'main',
      task,
      environment: 'production',
      description: task === 'deploy' ? 'Deploy main' : 'Roll back to the previous release',
      created_at: iso(at),
      updated_at: iso(at),
    };
    out.push({ event: 'deployment', key: `${options.slug}:deployment:${deploymentId}`, payload: { ...t.deployment, repository, deployment } });
    const finished = at + (5 + Math.floor(rnd() * 20)) * 60_000;
    out.push({
      event: 'deployment_status',
      key: `${options.slug}:status:${deploymentId}`,
      payload: {
        ...t.status,
        repository,
        deployment,
        deployment_status: {
          ...t.status.deployment_status,
          id: deploymentId * 10,
          state,
          environment: 'production',
          created_at: iso(finished),
          updated_at: iso(finished),
        },
      },
    });
    return finished;
  };
  const mergePr = (mergedAt: number, bot: boolean) => {
    prNumber += 1;
    const sha = createHash('sha1').update(`${options.slug}:${prNumber}`).digest('hex');
    const firstCommit = mergedAt - (2 + rnd() * 46) * HOUR;
    out.push({
      event: 'pull_request',
      key: `${options.slug}:pr:${prNumber}`,
      payload: {
        ...t.pr,
        repository,
        number: prNumber,
        pull_request: {
          ...t.pr.pull_request,
          number: prNumber,
          state: 'closed',
          merged: true,
          created_at: iso(firstCommit),
          merged_at: iso(mergedAt),
          closed_at: iso(mergedAt),
          merge_commit_sha: sha,
          user: bot
            ? { ...t.pr.pull_request.user, login: 'dependabot[bot]', type: 'Bot' }
            : t.pr.pull_request.user,
        },
      },
    });
    return sha;
  };

  let n = 0;
  for (let day = options.days; day >= 1; day -= options.deployEveryDays) {
    const at = dayStart - Math.round(day * DAY) + (9 + Math.floor(rnd() * 8)) * HOUR;
    const prs = 1 + Math.floor(rnd() * 3);
    let sha = '';
    for (let p = 0; p < prs; p++) sha = mergePr(at - (1 + p) * HOUR - Math.floor(rnd() * 3 * HOUR), false);
    if (n % 7 === 3) mergePr(at - 30 * 60_000, true);
    n += 1;
    if (n % options.failEvery === 0) {
      const failed = deploy(at, sha, 'failure');
      deploy(failed + (1 + rnd() * 4) * HOUR, sha, 'success');
    } else if (n === 11 && shas.length > 1) {
      const broken = deploy(at, sha, 'success');
      deploy(broken + 2 * HOUR, shas[shas.length - 1], 'success', 'deploy:rollback');
    } else {
      deploy(at, sha, 'success');
    }
    shas.push(sha);
  }
  for (let i = 0; i < options.incidents; i++) {
    const opened = dayStart - Math.round(((i + 1) * options.days) / (options.incidents + 1)) * DAY + 14 * HOUR;
    const closed = opened + (1 + rnd() * 20) * HOUR;
    const number = 900 + i;
    const issue = {
      ...t.issue.issue,
      number,
      title: `Incident: elevated error rate (${i + 1})`,
      labels: [{ ...t.issue.issue.labels[0], name: 'incident', color: 'b60205' }],
      created_at: iso(opened),
    };
    out.push({ event: 'issues', key: `${options.slug}:incident:${number}:opened`, payload: { ...t.issue, action: 'opened', repository, issue } });
    out.push({
      event: 'issues',
      key: `${options.slug}:incident:${number}:closed`,
      payload: { ...t.issue, action: 'closed', repository, issue: { ...issue, state: 'closed', closed_at: iso(closed) } },
    });
  }
  return out;
}

const ENTITIES = [
  { ref: 'component:default/validator-alpha', slug: 'goldenpath-demo/validator-alpha', history: { deployEveryDays: 1.5, failEvery: 8, incidents: 2, idBase: 41_000_000 } },
  { ref: 'component:default/payments-api', slug: 'goldenpath-demo/payments-api', history: { deployEveryDays: 3.5, failEvery: 5, incidents: 3, idBase: 42_000_000 } },
  { ref: 'component:default/status-page', slug: 'goldenpath-demo/status-page' },
];

const COST_REPORTS: Array<{ ref: string; environment: string; file: string; monthsAgo: number; pullRequest: number; labels?: string[] }> = [
  { ref: 'component:default/validator-alpha', environment: 'production', file: 'infracost/infracost/validator-alpha-production-prior.json', monthsAgo: 2, pullRequest: 41 },
  { ref: 'component:default/validator-alpha', environment: 'production', file: 'infracost/infracost/validator-alpha-production-diff.json', monthsAgo: 0, pullRequest: 57 },
  { ref: 'component:default/validator-alpha', environment: 'staging', file: 'infracost/infracost/validator-alpha-staging-baseline.json', monthsAgo: 1, pullRequest: 49 },
  { ref: 'component:default/validator-alpha', environment: 'staging', file: 'infracost/infracost/validator-alpha-staging-diff.json', monthsAgo: 0, pullRequest: 58 },
  { ref: 'component:default/payments-api', environment: 'production', file: 'infracost/infracost/payments-api-production-diff.json', monthsAgo: 0, pullRequest: 212 },
  { ref: 'component:default/status-page', environment: 'production', file: 'infracost/infracost/status-page-production-prior.json', monthsAgo: 1, pullRequest: 8 },
  { ref: 'component:default/status-page', environment: 'production', file: 'infracost/infracost/status-page-production-diff.json', monthsAgo: 0, pullRequest: 9 },
];

/** Budgets as a `.platform/budgets.yaml` of the golden-path template would set them. */
const BUDGETS: Record<string, Record<string, number>> = {
  production: { soft_fail_usd: 100, approval_usd: 250, pr_delta_usd: 1000, absolute_usd: 6000 },
  staging: { soft_fail_usd: 50, approval_usd: 200, pr_delta_usd: 500, absolute_usd: 2000 },
};

const DRIFT_REPORTS: Array<{ ref: string; environment: string; exitCode: 0 | 1 | 2; file?: string; hoursAgo: number }> = [
  { ref: 'component:default/validator-alpha', environment: 'production', exitCode: 2, file: 'infracost/infracost/plan-validator-alpha-production.json', hoursAgo: 3 },
  { ref: 'component:default/validator-alpha', environment: 'staging', exitCode: 0, file: 'infracost/terraform-json/plan-no-changes.json', hoursAgo: 3 },
  { ref: 'component:default/payments-api', environment: 'production', exitCode: 2, file: 'infracost/infracost/plan-payments-api-production.json', hoursAgo: 5 },
  { ref: 'component:default/status-page', environment: 'production', exitCode: 0, file: 'infracost/terraform-json/plan-no-changes.json', hoursAgo: 1 },
];

async function main() {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'http://127.0.0.1:7007' },
      token: { type: 'string' },
      'webhook-secret': { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const token = values.token ?? process.env.RELIABILITY_TOKEN;
  if (!token) {
    throw new Error('--token (or RELIABILITY_TOKEN) is required: a backend.auth.externalAccess static token');
  }
  const secret =
    values['webhook-secret'] ?? process.env.GOLDENPATH_WEBHOOK_SECRET ?? 'goldenpath-dev-webhook-secret';
  const base = `${values.backend!.replace(/\/$/, '')}/api/reliability`;
  const auth = { Authorization: `Bearer ${token}` };
  const now = Date.now();

  let stored = 0;
  let duplicates = 0;
  for (const entity of ENTITIES) {
    if (!entity.history) continue;
    const hooks = buildHistory({ slug: entity.slug, now, days: 90, ...entity.history });
    for (const hook of hooks) {
      const body = JSON.stringify(hook.payload);
      const res = await fetch(`${base}/webhooks/github`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-GitHub-Event': hook.event,
          'X-GitHub-Delivery': deliveryId(hook.key),
          'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
      if (!res.ok) {
        throw new Error(`POST ${base}/webhooks/github (${hook.event}) answered ${res.status}: ${await res.text()}`);
      }
      const receipt = (await res.json()) as { status: string };
      if (receipt.status === 'stored') stored++;
      if (receipt.status === 'duplicate') duplicates++;
    }
    console.log(`${entity.ref}: ${hooks.length} webhook deliveries`);
  }
  console.log(`webhooks: ${stored} stored, ${duplicates} already known`);

  const hasData = async (ref: string, area: 'cost' | 'drift') => {
    if (values.force) return false;
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await fetch(`${base}/entities/${kind}/${namespace}/${name}/${area}`, { headers: auth });
    if (!res.ok) return false;
    const body = (await res.json()) as { environments?: unknown[]; infrastructure?: { environments: unknown[] } };
    return ((area === 'cost' ? body.environments : body.infrastructure?.environments) ?? []).length > 0;
  };

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${base}${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  const skipCost = new Set<string>();
  for (const e of ENTITIES) if (await hasData(e.ref, 'cost')) skipCost.add(e.ref);
  for (const r of COST_REPORTS) {
    if (skipCost.has(r.ref)) continue;
    const at = new Date(now);
    at.setUTCMonth(at.getUTCMonth() - r.monthsAgo);
    const result = await post('/reports/cost', {
      entityRef: r.ref,
      environment: r.environment,
      pullRequest: r.pullRequest,
      labels: r.labels ?? [],
      budget: BUDGETS[r.environment],
      reportedAt: new Date(Math.min(at.getTime(), now - 60_000)).toISOString(),
      infracost: withProjectPaths(read(r.file), r.ref, r.environment),
    });
    console.log(`${r.ref} ${r.environment}: cost report ${result.status}`);
  }
  const skipDrift = new Set<string>();
  for (const e of ENTITIES) if (await hasData(e.ref, 'drift')) skipDrift.add(e.ref);
  for (const r of DRIFT_REPORTS) {
    if (skipDrift.has(r.ref)) continue;
    const result = await post('/reports/drift', {
      entityRef: r.ref,
      environment: r.environment,
      exitCode: r.exitCode,
      checkedAt: new Date(now - r.hoursAgo * HOUR).toISOString(),
      ...(r.file ? { plan: read(r.file) } : {}),
    });
    console.log(`${r.ref} ${r.environment}: drift check ${result.status}`);
  }
  console.log('Done: delivery signals loaded');
}

if (require.main === module) {
  main().catch(error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
