import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createTempDir, listFiles, validateActionInput } from '../../__testUtils__';
import { ManifestValidator, readManifestFiles } from '../../validation';
import { createPoliciesGenerateAction } from './generate';

const input = {
  repository: 'acme/payments',
  imageName: 'ghcr.io/acme/payments',
  namespaces: [
    { name: 'payments-staging', podSecurity: 'restricted' },
    { name: 'payments-dev', podSecurity: 'baseline' },
  ],
};

const POLICIES = [
  'default-security-context',
  'generate-default-deny',
  'require-digest-pinning',
  'require-resource-limits',
  'require-signed-images',
  'runtime-hardening',
  'service-selector-component',
];

describe('goldenpath:policies:generate', () => {
  let workspacePath: string;
  beforeEach(() => {
    jest.resetAllMocks();
    workspacePath = createTempDir();
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  async function run(extra: Record<string, unknown> = {}, isDryRun = false) {
    const ctx = { ...createMockActionContext({ input: { ...input, ...extra } as any, workspacePath }), isDryRun };
    await createPoliciesGenerateAction().handler(ctx);
    return ctx;
  }
  const load = (rel: string) =>
    yaml.parseAllDocuments(fs.readFileSync(path.join(workspacePath, rel), 'utf8')).map(d => d.toJS());

  it('should write every policy with its kyverno test folder and the namespaces', async () => {
    const ctx = await run();
    const files = listFiles(workspacePath);
    for (const p of POLICIES) {
      expect(files).toContain(`kyverno/${p}/${p}.yaml`);
      expect(files).toContain(`kyverno/${p}/.kyverno-test/kyverno-test.yaml`);
      expect(files).toContain(`kyverno/${p}/.kyverno-test/resource.yaml`);
    }
    expect(files).toContain('deploy/namespaces/payments-staging.yaml');
    const policies = (ctx.output as jest.Mock).mock.calls.find(c => c[0] === 'policies')[1];
    expect([...policies].sort()).toEqual(POLICIES);
  });

  it('should produce only schema-valid Kyverno policies and Kubernetes objects', async () => {
    await run();
    const report = await ManifestValidator.create().validateFiles(await readManifestFiles(workspacePath, workspacePath));
    expect(report.errors).toEqual([]);
    expect(report.skipped.filter(s => s.category === 'no-schema').map(s => s.object).sort()).toEqual(
      [...POLICIES.map(p => `Test/${p}`), 'Values/values'].sort(),
    );
  }, 60_000);

  it('should have at least one passing and one failing resource per validating policy, covering the named resources', async () => {
    await run();
    for (const p of POLICIES) {
      const [test] = load(`kyverno/${p}/.kyverno-test/kyverno-test.yaml`);
      const resources = load(`kyverno/${p}/.kyverno-test/resource.yaml`);
      const names = new Set(resources.map((r: any) => r.metadata.name));
      const results = test.results as Array<{ policy: string; rule: string; resources: string[]; result: string }>;
      expect(test.policies).toEqual([`../${p}.yaml`]);
      for (const r of results) {
        expect(r.policy).toBe(p);
        for (const name of r.resources) expect(names.has(name)).toBe(true);
      }
      const outcomes = new Set(results.map(r => r.result));
      expect(outcomes.has('pass')).toBe(true);
      // Generate rules have no failing outcome in `kyverno test`; the excluded namespace is the negative case.
      expect(outcomes.has(p === 'generate-default-deny' ? 'skip' : 'fail')).toBe(true);
    }
  });

  it('should bind verifyImages to the repository ci.yml on the default branch with SBOM and SLSA v1 checks', async () => {
    await run({ defaultBranch: 'trunk' });
    const [policy] = load('kyverno/require-signed-images/require-signed-images.yaml');
    const rule = policy.spec.rules.find((r: any) => r.verifyImages);
    const vi = rule.verifyImages[0];
    expect(vi).toMatchObject({ imageReferences: ['ghcr.io/acme/payments*'], mutateDigest: true, verifyDigest: true, required: true });
    expect(vi.attestors[0].entries[0].keyless).toMatchObject({
      subject: 'https://github.com/acme/payments/.github/workflows/ci.yml@refs/heads/trunk',
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(vi.attestations.map((a: any) => a.type)).toEqual(['https://spdx.dev/Document', 'https://slsa.dev/provenance/v1']);
    expect(vi.attestations[0].conditions[0].all[0]).toEqual({ key: '{{ packages | length(@) }}', operator: 'GreaterThan', value: 0 });
    const slsa = vi.attestations[1].conditions[0].all;
    expect(slsa).toContainEqual({ key: '{{ buildDefinition.buildType }}', operator: 'Equals', value: 'https://actions.github.io/buildtypes/workflow/v1' });
    expect(slsa).toContainEqual({ key: '{{ buildDefinition.externalParameters.workflow.path }}', operator: 'Equals', value: '.github/workflows/ci.yml' });
    expect(rule.match.any[0].resources.kinds).toEqual(['Pod', 'Pod/ephemeralcontainers']);
  });

  it('should cover containers, initContainers and ephemeralContainers in the container checks', async () => {
    await run();
    const [signed] = load('kyverno/require-signed-images/require-signed-images.yaml');
    expect(Object.keys(signed.spec.rules[0].validate.pattern.spec)).toEqual(['=(ephemeralContainers)', '=(initContainers)', 'containers']);
    expect(signed.spec.rules[0].validate.pattern.spec.containers[0].image).toBe('ghcr.io/acme/payments@* | ghcr.io/acme/payments:*');
    for (const p of ['require-digest-pinning', 'runtime-hardening']) {
      const text = fs.readFileSync(path.join(workspacePath, `kyverno/${p}/${p}.yaml`), 'utf8');
      expect(text).toContain('request.object.spec.[ephemeralContainers, initContainers, containers][]');
    }
    const [digest] = load('kyverno/require-digest-pinning/require-digest-pinning.yaml');
    expect(digest.spec.rules[0].match.any[0].resources.namespaces).toEqual(['prod', 'staging']);
  });

  it('should use Audit by default and Enforce on request', async () => {
    await run();
    for (const p of POLICIES) expect(load(`kyverno/${p}/${p}.yaml`)[0].spec.validationFailureAction).toBe('Audit');
    fs.rmSync(workspacePath, { recursive: true, force: true });
    fs.mkdirSync(workspacePath);
    await run({ enforce: true });
    for (const p of POLICIES) expect(load(`kyverno/${p}/${p}.yaml`)[0].spec.validationFailureAction).toBe('Enforce');
  });

  it('should exempt infrastructure from limits and system namespaces from mutation, and not synchronize the default deny', async () => {
    await run({ limitExemptNamespaces: ['kube-system', 'kyverno', 'monitoring'] });
    const [limits] = load('kyverno/require-resource-limits/require-resource-limits.yaml');
    expect(limits.spec.rules[0].exclude.any).toEqual([
      { resources: { namespaces: ['kube-system', 'kyverno', 'monitoring'] } },
      { resources: { selector: { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] } } },
    ]);
    const [ctxPolicy] = load('kyverno/default-security-context/default-security-context.yaml');
    expect(ctxPolicy.spec.rules.map((r: any) => (r.mutate ? 'mutate' : 'validate'))).toEqual(['mutate', 'validate']);
    expect(ctxPolicy.spec.rules[0].exclude.any[0].resources.namespaces).toContain('kube-system');
    const [deny] = load('kyverno/generate-default-deny/generate-default-deny.yaml');
    expect(deny.spec.rules[0].generate).toMatchObject({ kind: 'NetworkPolicy', synchronize: false });
    const [svc] = load('kyverno/service-selector-component/service-selector-component.yaml');
    expect(svc.spec.rules[0].validate.pattern).toEqual({ spec: { selector: { 'app.kubernetes.io/component': '?*' } } });
  });

  it('should keep Namespace manifests with PodSecurity labels in git', async () => {
    await run();
    const [ns] = load('deploy/namespaces/payments-dev.yaml');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  it('should write the same files in a dry run and refuse bad inputs naming the field', async () => {
    await run({}, true);
    expect(listFiles(workspacePath).length).toBeGreaterThan(20);
    const action = createPoliciesGenerateAction();
    expect(validateActionInput(action, { ...input, policiesDir: 'kyverno/../../etc' })).toEqual([
      expect.stringMatching(/^\/policiesDir must match pattern/),
    ]);
    await expect(run({ namespaces: [{ name: 'kube-system' }] })).rejects.toThrow(
      "namespaces[0].name 'kube-system' is a system namespace",
    );
    expect(validateActionInput(action, { ...input, repository: 'not a repo' })).toEqual([
      expect.stringMatching(/^\/repository must match pattern/),
    ]);
  });
});
