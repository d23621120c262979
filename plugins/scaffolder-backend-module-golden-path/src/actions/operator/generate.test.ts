import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { validatorNodeCrd } from '@goldenpath/plugin-reliability-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createTempDir, listFiles, validateActionInput } from '../../__testUtils__';
import { ManifestValidator, readManifestFiles } from '../../validation';
import { createOperatorGenerateAction } from './generate';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const input = {
  operatorImage: `ghcr.io/goldenpath/validator-operator@${DIGEST}`,
  node: {
    name: 'validator-alpha',
    namespace: 'validators',
    network: 'westend',
    role: 'validator',
    image: `docker.io/parity/polkadot@${DIGEST}`,
    hotKeySecretName: 'validator-alpha-keystore',
    recoveryStrategy: 'snapshot-restore',
    maxBlockLag: 25,
  },
};

describe('goldenpath:operator:generate', () => {
  let workspacePath: string;
  beforeEach(() => {
    jest.resetAllMocks();
    workspacePath = createTempDir();
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  async function run(extra: Record<string, unknown> = {}, isDryRun = false) {
    const ctx = { ...createMockActionContext({ input: { ...input, ...extra } as any, workspacePath }), isDryRun };
    await createOperatorGenerateAction().handler(ctx);
    return ctx;
  }
  const load = (rel: string) =>
    yaml.parseAllDocuments(fs.readFileSync(path.join(workspacePath, rel), 'utf8')).map(d => d.toJS());

  it('should emit exactly the shared ValidatorNode CRD', async () => {
    await run();
    expect(load('deploy/operator/crd.yaml')).toEqual([validatorNodeCrd]);
  });

  it('should write manifests that validate against Kubernetes schemas and the CRD', async () => {
    await run();
    expect(listFiles(workspacePath)).toEqual(
      ['crd', 'deployment', 'namespace', 'rbac', 'serviceaccount', 'validatornode', 'webhook'].map(f => `deploy/operator/${f}.yaml`),
    );
    const report = await ManifestValidator.create().validateFiles(await readManifestFiles(workspacePath, workspacePath));
    expect(report.errors).toEqual([]);
    expect(report.skipped.map(s => s.object).sort()).toEqual([
      'Certificate/validator-operator-webhook',
      'Issuer/validator-operator-selfsigned',
    ]);
    const [node] = load('deploy/operator/validatornode.yaml');
    expect(node.spec).toMatchObject({
      chain: { type: 'substrate', network: 'westend', rpcPort: 9944 },
      role: 'validator',
      hotKeySecretRef: { name: 'validator-alpha-keystore', key: 'keystore' },
      syncPolicy: { maxBlockLag: 25, recoveryStrategy: 'snapshot-restore', maxRestartAttempts: 3 },
    });
  });

  it('should grant least-privilege RBAC without wildcards, no Secrets and no PVC delete', async () => {
    await run();
    const docs = load('deploy/operator/rbac.yaml');
    const rules = docs.flatMap((d: any) => d.rules ?? []);
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) {
      for (const field of ['apiGroups', 'resources', 'verbs']) expect(r[field]).not.toContain('*');
    }
    const verbsOf = (resource: string) => rules.filter((r: any) => r.resources.includes(resource)).flatMap((r: any) => r.verbs);
    expect(verbsOf('secrets')).toEqual([]);
    expect(verbsOf('persistentvolumeclaims')).not.toContain('delete');
    expect(verbsOf('statefulsets')).not.toContain('delete');
    expect(verbsOf('nodes').sort()).toEqual(['get', 'patch']);
    expect(verbsOf('leases').sort()).toEqual(['create', 'get', 'update']);
    expect(verbsOf('namespaces').sort()).toEqual(['delete', 'list']);
    expect(docs.find((d: any) => d.kind === 'Role').metadata.namespace).toBe('goldenpath-system');
    expect(docs.filter((d: any) => d.kind === 'ClusterRoleBinding').map((d: any) => d.roleRef.name)).toEqual([
      'validator-operator',
      'validator-operator-reaper',
    ]);
  });

  it('should drop the namespace reaper and its permissions when disabled, and pass the endpoints', async () => {
    await run({ namespaceReaper: false, clickhouseUrl: 'http://clickhouse.analytics:8123', riskUrl: 'http://backstage:7007/api/reliability' });
    const rules = load('deploy/operator/rbac.yaml').flatMap((d: any) => d.rules ?? []);
    expect(rules.some((r: any) => r.resources.includes('namespaces'))).toBe(false);
    const [deploy] = load('deploy/operator/deployment.yaml');
    expect(deploy.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining([
        '--reaper-interval-seconds=0',
        '--clickhouse-url=http://clickhouse.analytics:8123',
        '--risk-url=http://backstage:7007/api/reliability',
      ]),
    );
  });

  it('should run a hardened, digest-pinned operator with leader election and a fail-closed webhook', async () => {
    await run({ replicas: 3 });
    const [deploy] = load('deploy/operator/deployment.yaml');
    const c = deploy.spec.template.spec.containers[0];
    expect(deploy.spec.replicas).toBe(3);
    expect(c.image).toBe(input.operatorImage);
    expect(c.args).toContain('--leader-elect=true');
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const webhook = load('deploy/operator/webhook.yaml').find((d: any) => d.kind === 'ValidatingWebhookConfiguration');
    expect(webhook.webhooks[0]).toMatchObject({
      failurePolicy: 'Fail',
      sideEffects: 'None',
      rules: [expect.objectContaining({ apiGroups: ['validators.goldenpath.dev'], resources: ['validatornodes'] })],
    });
  });

  it('should require a hot key for validators and refuse unpinned images, naming the field', async () => {
    await expect(run({ node: { ...input.node, hotKeySecretName: undefined } })).rejects.toThrow(
      'node.hotKeySecretName is required for the validator role',
    );
    await expect(run({ node: { ...input.node, role: 'archive' } })).rejects.toThrow(
      'node.hotKeySecretName is only allowed for the validator and miner roles, not archive',
    );
    const action = createOperatorGenerateAction();
    expect(validateActionInput(action, input)).toEqual([]);
    expect(validateActionInput(action, { ...input, operatorImage: 'ghcr.io/goldenpath/validator-operator:1.0' })).toEqual([
      expect.stringMatching(/^\/operatorImage must match pattern/),
    ]);
    expect(validateActionInput(action, { ...input, node: { ...input.node, recoveryStrategy: 'reboot' } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/node\/recoveryStrategy must be equal to one of the allowed values/)]),
    );
  });

  it('should ship only the operator when no node is given, also in a dry run', async () => {
    await run({ node: undefined, outputDir: 'ops' }, true);
    expect(listFiles(workspacePath)).toEqual(
      ['crd', 'deployment', 'namespace', 'rbac', 'serviceaccount', 'webhook'].map(f => `ops/${f}.yaml`),
    );
  });
});
