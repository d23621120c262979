import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import goldenPathModule from '@goldenpath/plugin-scaffolder-backend-module-golden-path';
import { ANNOTATIONS } from '@goldenpath/plugin-reliability-common';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import yaml from 'yaml';
import { GeneratedFile, validateGeneratedFiles } from './lib/generatedFiles';
import { applyParameterDefaults } from './lib/parameterDefaults';
import { summarizeSteps } from './lib/report';
import {
  DryRunResponse,
  ParameterValidationError,
  ScaffolderDryRunClient,
} from './lib/ScaffolderDryRunClient';
import { loadTemplateSource, loadValues } from './lib/templateSource';
import { runCli } from './cli';

jest.setTimeout(180_000);

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

async function dryRun(
  client: ScaffolderDryRunClient,
  template: string,
  overrides: Record<string, unknown> = {},
): Promise<{ response: DryRunResponse; files: GeneratedFile[] }> {
  const source = await loadTemplateSource(path.join(TEMPLATES_DIR, template));
  const sample = await loadValues(path.join(TEMPLATES_DIR, template, 'examples/values.yaml'));
  const { values } = applyParameterDefaults(source.template, { ...sample, ...overrides });
  const response = await client.dryRun({
    template: source.template,
    values,
    directoryContents: source.directoryContents,
  });
  const files = response.directoryContents.map(f => ({
    path: f.path,
    content: Buffer.from(f.base64Content, 'base64'),
    executable: Boolean(f.executable),
  }));
  return { response, files };
}

function writeTree(files: GeneratedFile[], dir: string): void {
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
}

const HAS_MKDOCS = spawnSync('mkdocs', ['--version']).status === 0;
if (!HAS_MKDOCS) {
  // eslint-disable-next-line no-console
  console.warn('mkdocs is not installed (apt-get install -y mkdocs mkdocs-material): TechDocs builds are skipped');
}
/** Runs only where the machine's mkdocs (the local TechDocs generator) is installed. */
const itWithMkdocs = HAS_MKDOCS ? it : it.skip;

/** Builds the generated TechDocs with the machine's mkdocs, as the local TechDocs generator does. */
function buildTechDocs(files: GeneratedFile[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-techdocs-'));
  try {
    writeTree(files, dir);
    const result = spawnSync('mkdocs', ['build', '--strict', '-q', '-d', path.join(dir, 'site')], { cwd: dir, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    return fs.readFileSync(path.join(dir, 'site/index.html'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function text(files: GeneratedFile[], file: string): string {
  const found = files.find(f => f.path === file);
  if (!found) throw new Error(`${file} was not generated`);
  return found.content.toString('utf8');
}

function docs(files: GeneratedFile[], file: string): any[] {
  return yaml.parseAllDocuments(text(files, file)).map(d => d.toJS()).filter(Boolean);
}

async function parameterErrors(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(ParameterValidationError);
  return (error as ParameterValidationError).errors.map(e => e.parameter);
}

describe('Software Templates through the scaffolder dry run', () => {
  let client: ScaffolderDryRunClient;
  let backendUrl: string;
  let stop: () => Promise<void>;
  const publishDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-templates-test-'));

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderGithubModule,
        goldenPathModule,
        mockServices.rootConfig.factory({
          data: { goldenpath: { localPublish: { baseDir: publishDir } } },
        }),
      ],
    });
    backendUrl = `http://127.0.0.1:${backend.server.port()}`;
    client = ScaffolderDryRunClient.create({
      baseUrl: backendUrl,
      token: mockCredentials.service.token(),
    });
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    fs.rmSync(publishDir, { recursive: true, force: true });
  });

  describe('golden-path-service', () => {
    let response: DryRunResponse;
    let files: GeneratedFile[];

    beforeAll(async () => {
      ({ response, files } = await dryRun(client, 'golden-path-service'));
    });

    it('should run every step, skipping only the GitHub branch and catalog registration', () => {
      const states = Object.fromEntries(summarizeSteps(response).map(s => [s.id, s.state]));
      expect(states).toEqual({
        fetch: 'completed',
        environments: 'completed',
        pipelines: 'completed',
        budgets: 'completed',
        policies: 'completed',
        validate: 'completed',
        'publish-github': 'skipped',
        'publish-local': 'completed',
        'register-github': 'skipped',
        'register-local': 'skipped',
      });
    });

    it('should generate files that all validate', async () => {
      const report = await validateGeneratedFiles(files);
      expect(report.errors).toEqual([]);
      expect(report.validated).toBeGreaterThanOrEqual(45);
      const validatedKinds = new Set(
        files.filter(f => f.path.startsWith('deploy/')).flatMap(f =>
          /\.ya?ml$/.test(f.path) ? docs(files, f.path).map(d => d.kind) : [],
        ),
      );
      expect([...validatedKinds]).toEqual(
        expect.arrayContaining(['Rollout', 'AnalysisTemplate', 'Application', 'Service', 'Namespace']),
      );
      const unchecked = report.skipped.filter(s => s.category === 'no-schema').map(s => s.object);
      expect(unchecked).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(Rollout|AnalysisTemplate|Application)\//)]),
      );
    });

    it('should generate the reviewed file tree', () => {
      expect(files.map(f => f.path).sort()).toMatchSnapshot();
    });

    it('should write a catalog-info.yaml with every annotation the entity cards read', () => {
      const [entity] = docs(files, 'catalog-info.yaml');
      expect(entity.metadata.name).toBe('payments-ledger');
      expect(entity.spec).toMatchObject({
        type: 'service',
        owner: 'group:default/payments-team',
        system: 'system:default/payments',
      });
      for (const annotation of Object.values(ANNOTATIONS)) {
        expect(entity.metadata.annotations[annotation]).toEqual(expect.any(String));
      }
      expect(entity.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-id': 'payments-ledger',
        'backstage.io/kubernetes-namespace': 'payments-ledger-prod',
        'argocd/app-name': 'payments-ledger-prod',
        'github.com/project-slug': 'goldenpath-demo/payments-ledger',
        'goldenpath.dev/cost-center': 'cc-payments',
        'goldenpath.dev/production-environment': 'prod',
        'backstage.io/techdocs-ref': 'dir:.',
      });
      expect(text(files, 'mkdocs.yml')).toContain('site_name: payments-ledger');
      expect(text(files, 'docs/index.md')).toContain('# payments-ledger');
    });

    it('should canary 5 → 25 → 50 → 100 % gated on success rate, relative p99 and error budget', () => {
      const [rollout] = docs(files, 'deploy/base/rollout.yaml');
      const steps = rollout.spec.strategy.canary.steps;
      expect(steps.filter((s: any) => 'setWeight' in s).map((s: any) => s.setWeight)).toEqual([5, 25, 50, 100]);
      // An analysis gates every increase after the first.
      expect(steps.map((s: any) => Object.keys(s)[0])).toEqual([
        'setWeight', 'analysis', 'setWeight', 'analysis', 'setWeight', 'analysis', 'setWeight',
      ]);
      expect(steps[1].analysis.templates.map((t: any) => t.templateName)).toEqual([
        'success-rate', 'latency-ratio', 'error-budget',
      ]);
      const args = Object.fromEntries(steps[1].analysis.args.map((a: any) => [a.name, a.valueFrom ?? a.value]));
      expect(args['canary-hash']).toEqual({ podTemplateHashValue: 'Latest' });
      expect(args['stable-hash']).toEqual({ podTemplateHashValue: 'Stable' });

      const templates = Object.fromEntries(
        docs(files, 'deploy/base/analysis-templates.yaml').map(t => [t.metadata.name, t.spec]),
      );
      expect(templates['success-rate'].metrics[0].successCondition).toContain('result[0] >= 0.995');
      const latency = templates['latency-ratio'].metrics[0];
      expect(latency.successCondition).toContain('result[0] <= 1.20');
      // Relative to the stable version: the query divides by the stable pods' p99.
      expect(latency.provider.prometheus.query).toMatch(/canary-hash[\s\S]*\/[\s\S]*stable-hash/);
      expect(templates['error-budget'].metrics[0].successCondition).toContain('result[0] >= 0');
      expect(templates['error-budget'].args).toContainEqual({ name: 'slo-target', value: '0.999' });
      for (const spec of Object.values(templates) as any[]) {
        expect(spec.metrics.every((m: any) => m.failureLimit === 0)).toBe(true);
      }
    });

    it('should pin, harden and label the workload', () => {
      const [rollout] = docs(files, 'deploy/base/rollout.yaml');
      const pod = rollout.spec.template;
      const [container] = pod.spec.containers;
      expect(container.image).toMatch(/^ghcr\.io\/goldenpath-demo\/payments-ledger@sha256:[a-f0-9]{64}$/);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.limits).toEqual({ cpu: '500m', memory: '256Mi' });
      expect(pod.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'payments-ledger',
        'app.kubernetes.io/component': 'api',
      });
      for (const service of docs(files, 'deploy/base/services.yaml')) {
        expect(service.spec.selector['app.kubernetes.io/component']).toBe('api');
      }
      const dockerfile = text(files, 'Dockerfile');
      expect(dockerfile.match(/^FROM .*$/gm)!.every(l => /@sha256:[a-f0-9]{64}/.test(l))).toBe(true);
      expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    });

    it('should deliver through one Argo CD Application per environment', () => {
      const apps = docs(files, 'deploy/argocd/applications.yaml');
      expect(apps.map(a => [a.metadata.name, a.spec.destination.namespace])).toEqual([
        ['payments-ledger-dev', 'payments-ledger-dev'],
        ['payments-ledger-staging', 'payments-ledger-staging'],
        ['payments-ledger-prod', 'payments-ledger-prod'],
      ]);
      expect(apps[0].spec.source.repoURL).toBe('https://github.com/goldenpath-demo/payments-ledger.git');
    });

    it('should carry the budgets, the mandatory tags and the policy mode from the values', () => {
      const budgets = yaml.parse(text(files, '.platform/budgets.yaml'));
      expect(budgets.environments.staging).toEqual({
        pr_delta_usd: 250,
        absolute_usd: 2500,
        approval_usd: 100,
        soft_fail_usd: 25,
      });
      expect(text(files, 'infra/environments/prod.tfvars')).toMatch(/cost_center = "cc-payments"/);
      const main = text(files, 'infra/main.tf');
      for (const tag of ['owner', 'cost_center', 'environment', 'service']) {
        expect(main).toMatch(new RegExp(`^\\s+${tag}\\s+= var\\.${tag}$`, 'm'));
      }
      const [policy] = docs(files, 'kyverno/require-digest-pinning/require-digest-pinning.yaml');
      expect(JSON.stringify(policy)).toContain('Enforce');
      expect(JSON.stringify(policy)).toContain('payments-ledger-prod');
    });

    it('should generate a TypeScript service that type-checks', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-service-'));
      try {
        for (const f of files.filter(x => x.path.startsWith('src/'))) {
          fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
          fs.writeFileSync(path.join(dir, f.path), f.content);
        }
        const tsconfig = JSON.parse(text(files, 'tsconfig.json'));
        const options = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, dir).options;
        const program = ts.createProgram({
          rootNames: fs.readdirSync(path.join(dir, 'src')).map(n => path.join(dir, 'src', n)),
          options: { ...options, noEmit: true, typeRoots: [path.resolve(__dirname, '../../../node_modules/@types')] },
        });
        const diagnostics = ts.getPreEmitDiagnostics(program).map(d =>
          ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        );
        expect(diagnostics).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    itWithMkdocs('should generate TechDocs that mkdocs builds', () => {
      // eslint-disable-next-line jest/no-standalone-expect -- itWithMkdocs is it or it.skip
      expect(buildTechDocs(files)).toContain('Double-entry ledger for card payments');
    });

    it('should dry-run through --backend with a token, as against a running Backstage', async () => {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-remote-'));
      const lines: string[] = [];
      try {
        const code = await runCli(
          [
            'dry-run',
            path.join(TEMPLATES_DIR, 'golden-path-service'),
            '--values',
            path.join(TEMPLATES_DIR, 'golden-path-service/examples/values.yaml'),
            '--backend',
            backendUrl,
            '--token',
            mockCredentials.service.token(),
            '--out',
            outDir,
            '--force',
          ],
          { out: l => lines.push(l), err: l => lines.push(l) },
        );
        expect(code).toBe(0);
        expect(lines).toContain(`Scaffolder: ${backendUrl}`);
        expect(fs.existsSync(path.join(outDir, 'deploy/base/rollout.yaml'))).toBe(true);
      } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    });

    it('should refuse an invalid name, naming the parameter', async () => {
      expect(await parameterErrors(dryRun(client, 'golden-path-service', { name: 'Payments_Ledger' }))).toEqual([
        'name',
      ]);
    });

    it('should refuse an unknown tier, naming the parameter', async () => {
      expect(await parameterErrors(dryRun(client, 'golden-path-service', { tier: 'tier-9' }))).toEqual(['tier']);
    });
  });

  describe('validator-node', () => {
    let response: DryRunResponse;
    let files: GeneratedFile[];

    beforeAll(async () => {
      ({ response, files } = await dryRun(client, 'validator-node'));
    });

    it('should run every step, skipping only the GitHub branch and catalog registration', () => {
      const states = summarizeSteps(response).map(s => `${s.id}:${s.state}`);
      expect(states).toEqual([
        'fetch:completed',
        'environments:completed',
        'pipelines:completed',
        'budgets:completed',
        'policies:completed',
        'operator:completed',
        'validate:completed',
        'publish-github:skipped',
        'publish-local:completed',
        'register-github:skipped',
        'register-local:skipped',
      ]);
    });

    it('should generate files that all validate, the ValidatorNode against its CRD', async () => {
      const report = await validateGeneratedFiles(files);
      expect(report.errors).toEqual([]);
      const unchecked = report.skipped.filter(s => s.category === 'no-schema').map(s => s.object ?? '');
      expect(unchecked.filter(o => /^(ValidatorNode|ExternalSecret|Application|CustomResourceDefinition)\//.test(o))).toEqual([]);
    });

    it('should generate the reviewed file tree', () => {
      expect(files.map(f => f.path).sort()).toMatchSnapshot();
    });

    it('should build the ValidatorNode from the values and reference the hot key through an ExternalSecret', () => {
      const [node] = docs(files, 'deploy/operator/validatornode.yaml');
      expect(node).toMatchObject({
        apiVersion: 'validators.goldenpath.dev/v1alpha1',
        kind: 'ValidatorNode',
        metadata: { name: 'validator-bravo', namespace: 'validators' },
        spec: {
          chain: { type: 'substrate', network: 'westend' },
          role: 'validator',
          hotKeySecretRef: { name: 'validator-bravo-keystore', key: 'keystore' },
          storage: { size: '500Gi', storageClassName: 'premium-rwo' },
          syncPolicy: {
            maxBlockLag: 20,
            recoveryStrategy: 'snapshot-restore',
            maxRestartAttempts: 3,
            probeIntervalSeconds: 30,
            syncTimeoutMinutes: 720,
          },
        },
      });
      const [externalSecret] = docs(files, 'deploy/secrets/hot-key.yaml');
      expect(externalSecret).toMatchObject({
        kind: 'ExternalSecret',
        metadata: { namespace: 'validators' },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'validator-keys' },
          target: { name: node.spec.hotKeySecretRef.name },
          data: [{ secretKey: node.spec.hotKeySecretRef.key, remoteRef: { key: 'validators/validator-bravo/keystore' } }],
        },
      });
    });

    it('should write a catalog-info.yaml with every annotation the entity cards read', () => {
      const [entity] = docs(files, 'catalog-info.yaml');
      expect(entity.spec).toMatchObject({ type: 'validator-node', owner: 'group:default/platform-team' });
      for (const annotation of Object.values(ANNOTATIONS)) {
        expect(entity.metadata.annotations[annotation]).toEqual(expect.any(String));
      }
      const [node] = docs(files, 'deploy/operator/validatornode.yaml');
      // The label selector of the entity matches the ValidatorNode the operator reconciles.
      const [key, value] = entity.metadata.annotations['backstage.io/kubernetes-label-selector'].split('=');
      expect(node.metadata.labels[key]).toBe(value);
    });

    it('should never take a key value as a template input', async () => {
      const source = await loadTemplateSource(path.join(TEMPLATES_DIR, 'validator-node'));
      const pages = [source.template.spec as any].flatMap(spec => spec.parameters);
      const properties = Object.entries(Object.assign({}, ...pages.map((p: any) => p.properties)));
      for (const [name, schema] of properties as Array<[string, any]>) {
        expect(schema['ui:field']).not.toBe('Secret');
        expect(schema['ui:widget']).not.toBe('password');
        expect(name).not.toMatch(/seed|mnemonic|private|secret_key|keystore$/i);
      }
      expect(JSON.stringify(source.template.spec)).not.toMatch(/\$\{\{\s*secrets\./);
    });

    itWithMkdocs('should generate TechDocs that mkdocs builds', () => {
      // eslint-disable-next-line jest/no-standalone-expect -- itWithMkdocs is it or it.skip
      expect(buildTechDocs(files)).toContain('Westend validator for the staking pilot');
    });

    it('should leave out the hot key for a full node', async () => {
      const full = await dryRun(client, 'validator-node', { role: 'full' });
      const [node] = docs(full.files, 'deploy/operator/validatornode.yaml');
      expect(node.spec.role).toBe('full');
      expect(node.spec.hotKeySecretRef).toBeUndefined();
      expect(docs(full.files, 'deploy/secrets/hot-key.yaml')).toEqual([]);
    });

    it('should refuse an invalid name and an unknown tier, naming both parameters', async () => {
      expect(
        (await parameterErrors(dryRun(client, 'validator-node', { name: '1-bad', tier: 'gold' }))).sort(),
      ).toEqual(['name', 'tier']);
    });

    it('should refuse a node image that is not pinned by digest', async () => {
      expect(
        await parameterErrors(dryRun(client, 'validator-node', { node_image: 'docker.io/parity/polkadot:latest' })),
      ).toEqual(['node_image']);
    });
  });
});
