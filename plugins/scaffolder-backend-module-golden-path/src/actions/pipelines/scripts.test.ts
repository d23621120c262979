import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createTempDir } from '../../__testUtils__';
import { iacDriftWorkflow, iacPrWorkflow, PipelineSettings } from './workflows';

const settings: PipelineSettings = {
  repository: 'acme/payments',
  defaultBranch: 'main',
  imageName: 'ghcr.io/acme/payments',
  nodeVersion: '22',
  installCommand: 'yarn install --immutable',
  testCommand: 'yarn test',
  entityRef: 'component:default/payments',
  goldenpathUrl: 'https://backstage.example.com',
  terraformDir: 'infra',
  environments: ['dev', 'prod'],
  requiredTags: ['owner', 'cost_center'],
  costCenters: ['cc-1001', 'cc-2002'],
  owner: 'group:default/payments',
  costCenter: 'cc-1001',
  previewTtl: '72h',
  previewDomain: 'preview.example.com',
  manifestsDir: 'deploy',
  policiesDir: 'kyverno',
  e2eCommand: 'npx playwright test',
  e2eShards: 3,
};

/** Minimal stand-in for mikefarah yq (the one on GitHub runners) for the expressions the workflows use. */
const FAKE_YQ = `#!/usr/bin/env python3
import json, re, sys, yaml
args = [a for a in sys.argv[1:] if not a.startswith('-o=')]
as_json = any(a == '-o=json' for a in sys.argv[1:])
expr, path = args
m = re.match(r'^\\.environments\\."([^"]+)"(?:\\.(\\w+))? // (.*)$', expr)
data = yaml.safe_load(open(path))
value = data.get('environments', {}).get(m.group(1))
if value is not None and m.group(2):
    value = value.get(m.group(2))
if value is None:
    value = json.loads(m.group(3))
print(json.dumps(value) if as_json else ('' if value == '' else value))
`;

function step(workflow: string, job: string, name: RegExp): { run: string; env: Record<string, string> } {
  const doc = yaml.parse(workflow);
  const s = doc.jobs[job].steps.find((x: any) => name.test(x.name ?? ''));
  return { run: s.run, env: { ...doc.env } };
}

function runScript(script: string, cwd: string, env: Record<string, string>) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd,
    env: { HOME: cwd, PATH: `${cwd}/bin:${process.env.PATH}`, GITHUB_STEP_SUMMARY: path.join(cwd, 'summary.md'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('generated workflow scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = createTempDir();
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin/yq'), FAKE_YQ, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should enforce required tags and the cost_center allow-list on tags_all of managed resources', () => {
    const plan = {
      resource_changes: [
        { address: 'aws_s3_bucket.ok', mode: 'managed', change: { actions: ['create'], after: { tags_all: { owner: 'payments', cost_center: 'cc-1001' } } } },
        { address: 'aws_instance.untagged', mode: 'managed', change: { actions: ['update'], after: { tags_all: { owner: 'payments' } } } },
        { address: 'aws_db_instance.wrong_cc', mode: 'managed', change: { actions: ['create'], after: { tags_all: { owner: 'x', cost_center: 'cc-9999' } } } },
        { address: 'aws_instance.going_away', mode: 'managed', change: { actions: ['delete'], after: null } },
        { address: 'aws_iam_policy_document.x', mode: 'data', change: { actions: ['read'], after: { tags_all: {} } } },
        { address: 'random_id.suffix', mode: 'managed', change: { actions: ['create'], after: { byte_length: 4 } } },
      ],
    };
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    const { run, env } = step(iacPrWorkflow(settings), 'plan', /^Tag policy/);
    const bad = runScript(run, dir, env);
    expect(bad.code).toBe(1);
    expect(bad.out.trim().split('\n').sort()).toEqual([
      '::error::aws_db_instance.wrong_cc: cost_center cc-9999 is not in the allow-list',
      '::error::aws_instance.untagged: missing required tag cost_center',
    ]);
    plan.resource_changes = plan.resource_changes.filter(r => r.address === 'aws_s3_bucket.ok' || r.mode === 'data');
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    expect(runScript(run, dir, env)).toEqual({ code: 0, out: '' });
  });

  it('should apply the budget thresholds of .platform/budgets.yaml and the finops-approved label', () => {
    fs.mkdirSync(path.join(dir, '.platform'));
    fs.writeFileSync(
      path.join(dir, '.platform/budgets.yaml'),
      'environments:\n  prod:\n    pr_delta_usd: 1000\n    absolute_usd: 20000\n    approval_usd: 300\n    soft_fail_usd: 100\n',
    );
    const { run, env } = step(iacPrWorkflow(settings), 'plan', /^Budget gate/);
    const gate = (delta: number, total: number, labels: string[]) => {
      fs.writeFileSync(path.join(dir, 'infracost.json'), JSON.stringify({ diffTotalMonthlyCost: String(delta), totalMonthlyCost: String(total) }));
      return runScript(run, dir, { ...env, ENVIRONMENT: 'prod', LABELS: JSON.stringify(labels) });
    };
    expect(gate(50, 1000, [])).toEqual({ code: 0, out: '' });
    expect(gate(150, 1000, [])).toEqual({ code: 0, out: expect.stringContaining('::warning::prod increase $150/month is above soft_fail_usd $100') });
    expect(gate(400, 1000, ['bug'])).toEqual({ code: 1, out: expect.stringContaining('exceeds approval_usd $300; add the finops-approved label') });
    expect(gate(400, 1000, ['finops-approved'])).toMatchObject({ code: 0 });
    expect(gate(1500, 1000, ['finops-approved'])).toEqual({ code: 1, out: expect.stringContaining('exceeds pr_delta_usd $1000') });
    expect(gate(10, 25000, ['finops-approved'])).toEqual({ code: 1, out: expect.stringContaining('exceeds absolute_usd $20000') });
    expect(gate(-200, 1000, [])).toEqual({ code: 0, out: '' });
  }, 120_000);

  it('should post only a summary of the drift plan, never attribute values', () => {
    const { run } = step(iacDriftWorkflow(settings), 'drift', /detailed-exitcode/);
    const jqProgram = /jq '(\{format_version[^']+)'/.exec(run)![1];
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.8',
      resource_changes: [
        {
          address: 'aws_db_instance.main',
          type: 'aws_db_instance',
          mode: 'managed',
          action_reason: 'replace_because_cannot_update',
          change: { actions: ['delete', 'create'], before: { password: 'hunter2' }, after: { password: 'hunter3' } },
        },
      ],
      resource_drift: [{ address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', mode: 'managed', change: { actions: ['update'], after: { acl: 'public-read' } } }],
    };
    const r = spawnSync('jq', [jqProgram], { input: JSON.stringify(plan), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toEqual({
      format_version: '1.2',
      terraform_version: '1.9.8',
      resource_changes: [
        { address: 'aws_db_instance.main', type: 'aws_db_instance', mode: 'managed', action_reason: 'replace_because_cannot_update', change: { actions: ['delete', 'create'] } },
      ],
      resource_drift: [{ address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', mode: 'managed', change: { actions: ['update'] } }],
    });
    expect(r.stdout).not.toContain('hunter');
  });
});
