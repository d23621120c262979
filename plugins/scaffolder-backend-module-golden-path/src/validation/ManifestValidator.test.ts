import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { validatorNodeCrd } from '@goldenpath/plugin-reliability-common';
import { ManifestFile, ManifestValidator } from './ManifestValidator';

const DATASETS = path.resolve(__dirname, '../../../../../shared/datasets');
const KYVERNO = path.join(DATASETS, 'kyverno-policies');
const K8S = path.join(DATASETS, 'k8s-manifests');

function read(root: string, filter: (rel: string, content: string) => boolean): ManifestFile[] {
  const out: ManifestFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(e.name)) {
        const rel = path.relative(root, full).split(path.sep).join('/');
        const content = fs.readFileSync(full, 'utf8');
        if (filter(rel, content)) out.push({ path: rel, content });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Files of the k8s-manifests corpus that are not valid Kubernetes objects, and why. The first
 * group is what the corpus README marks invalid; the others were found by this validator and
 * checked by hand (each reason names the evidence).
 */
const EXPECTED_INVALID: Array<{ pattern: RegExp; reason: string }> = [
  { pattern: /^kubeconform\/fixtures\/(invalid|multi_invalid|list_invalid)\.yaml$/, reason: 'README: spec.replicas / port is a string' },
  { pattern: /^kubeconform\/fixtures\/(extra_property|duplicate_property)\.yaml$/, reason: 'README: fails in strict mode' },
  { pattern: /^kubeconform\/fixtures\/(missing_apiversion|missing_kind_value|multi_invalid_resources)\.yaml$/, reason: 'README: missing identity fields' },
  { pattern: /^kube-linter\/tests\/checks\/[^/]+\.ya?ml$/, reason: 'lint fixtures: skeletal objects (Deployment without spec.selector, Pod without containers, v1 HPA fields on v2)' },
  { pattern: /^gatekeeper-library\/library\/pod-security-policy\/.+\/(disallowed|allowed)_ephemeral\.yaml$/, reason: 'admission samples: Pod with only ephemeralContainers (spec.containers is required)' },
  { pattern: /^gatekeeper-library\/library\/pod-security-policy\/proc-mount\/samples\/psp-proc-mount\/example_allowed_missing\.yaml$/, reason: 'procMount value outside Default|Unmasked' },
  { pattern: /^gatekeeper-library\/library\/general\/verifydeprecatedapi\/samples\/verify-1\.22\/example_disallowed\.yaml$/, reason: 'networking.k8s.io/v1beta1 Ingress with v1 backend.service' },
  { pattern: /^kubernetes-engine-samples\/ai-ml\/llm-serving-gemma\/.+\/patch\.yaml$/, reason: 'kustomize patches, partial objects' },
  { pattern: /^kubernetes-engine-samples\/workloads\/migrate-x86-app-to-multi-arch\/k8s\/overlays\/.+\.yaml$/, reason: 'kustomize patches, partial objects' },
  { pattern: /^kubernetes-engine-samples\/(ai-ml\/gke-slurm\/autopilot\/pv-pvc|autoscaling\/custom-compute-classes\/reservations\/deployment-gpu|networking\/sctp\/sctp-deployment|databases\/redis-enterprise-operator\/manifests\/01-basic-cluster\/webhook)\.yaml$/, reason: 'README: placeholders (PORT, ${VAR}, CRT) until substituted' },
  { pattern: /^kubernetes-engine-samples\/ai-ml\/infw-gw\/examples\/getting-started\/inference-model(-variables)?\.yaml$/, reason: 'InferenceModel without spec.modelName/poolRef, required by the CRD in manifests.yaml' },
  { pattern: /^kubernetes-engine-samples\/streaming\/kafka-confluent\/manifests\/0[56]-.+\.yaml$/, reason: 'duplicate mapping keys (strict)' },
  { pattern: /^kubernetes-examples\/_archived\/(openshift-origin\/.+|persistent-volume-provisioning\/quobyte\/quobyte-admin-secret|volumes\/scaleio\/sc-pvc)\.yaml$/, reason: 'duplicate mapping keys (strict)' },
  { pattern: /^kubernetes-examples\/_archived\/volumes\/(aws_ebs\/aws-ebs-web|cinder\/cinder-web|fibre_channel\/fc|rbd\/rbd|scaleio\/pod|storageos\/storageos-pod|storageos\/storageos-pv)\.yaml$/, reason: 'lowercase protocol, string lun, misspelled/removed volume fields' },
];

describe('ManifestValidator', () => {
  it('should accept every ClusterPolicy of the Kyverno policy library (no false rejections)', async () => {
    const files = read(KYVERNO, (rel, content) => !rel.includes('/.') && /^kind:\s*ClusterPolicy\s*$/m.test(content));
    expect(files.length).toBeGreaterThanOrEqual(333);
    const report = await ManifestValidator.create().validateFiles(files);
    expect(report.errors).toEqual([]);
    expect(report.validated).toBeGreaterThanOrEqual(333);
    expect(report.skipped.filter(s => s.category === 'no-schema')).toEqual([]);
  }, 120_000);

  it('should reject corrupted copies of real policies: wrong field types and unknown rule keys', async () => {
    const source = read(KYVERNO, rel => /^best-practices\/[^/]+\/[^/]+\.yaml$/.test(rel) && !rel.includes('artifacthub'))
      .filter(f => /^kind:\s*ClusterPolicy\s*$/m.test(f.content))
      .slice(0, 10);
    expect(source).toHaveLength(10);
    const corrupted: ManifestFile[] = [];
    for (const f of source) {
      const doc = yaml.parse(f.content);
      const typeBroken = structuredClone(doc);
      typeBroken.spec.rules[0].match = 'all pods';
      const keyBroken = structuredClone(doc);
      keyBroken.spec.rules[0].validatee = { message: 'typo' };
      const nested = structuredClone(doc);
      nested.spec.background = 'yes';
      corrupted.push(
        { path: `type/${f.path}`, content: yaml.stringify(typeBroken) },
        { path: `key/${f.path}`, content: yaml.stringify(keyBroken) },
        { path: `bool/${f.path}`, content: yaml.stringify(nested) },
      );
    }
    const report = await ManifestValidator.create().validateFiles(corrupted);
    const failed = new Set(report.errors.map(e => e.file));
    expect([...failed].sort()).toEqual(corrupted.map(c => c.path).sort());
    expect(report.errors).toContainEqual(
      expect.objectContaining({ path: '/spec/rules/0', message: 'unknown field "validatee"' }),
    );
    expect(report.errors).toContainEqual(
      expect.objectContaining({ path: '/spec/rules/0/match', message: 'must be object' }),
    );
    expect(report.errors).toContainEqual(
      expect.objectContaining({ path: '/spec/background', message: 'must be boolean' }),
    );
  }, 60_000);

  it('should validate the k8s-manifests corpus: README-invalid files fail, nothing unexplained fails', async () => {
    const files = read(K8S, rel => rel !== 'index.json');
    const report = await ManifestValidator.create().validateFiles(files);
    const failing = [...new Set(report.errors.map(e => e.file))].sort();
    const unexplained = failing.filter(f => !EXPECTED_INVALID.some(x => x.pattern.test(f)));
    expect(unexplained).toEqual([]);
    for (const f of [
      'kubeconform/fixtures/invalid.yaml',
      'kubeconform/fixtures/multi_invalid.yaml',
      'kubeconform/fixtures/list_invalid.yaml',
      'kubeconform/fixtures/extra_property.yaml',
      'kubeconform/fixtures/duplicate_property.yaml',
      'kubeconform/fixtures/missing_apiversion.yaml',
      'kubeconform/fixtures/missing_kind_value.yaml',
    ]) {
      expect(failing).toContain(f);
    }
    for (const f of [
      'kubeconform/fixtures/valid.yaml',
      'kubeconform/fixtures/valid.json',
      'kubeconform/fixtures/multi_valid.yaml',
      'kubeconform/fixtures/list_valid.yaml',
      'kubeconform/fixtures/int_or_string.yaml',
      'kubeconform/fixtures/quantity.yaml',
      'kubeconform/fixtures/null_string.yaml',
      'kubeconform/fixtures/generate_name.yaml',
      'kubeconform/fixtures/test_crd.yaml',
      'kube-prometheus/manifests/setup/0prometheusCustomResourceDefinition.yaml',
      'kube-prometheus/manifests/setup/0alertmanagerConfigCustomResourceDefinition.yaml',
    ]) {
      expect(failing).not.toContain(f);
    }
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file: 'kubeconform/fixtures/list_invalid.yaml',
        object: 'ReplicationController/bob',
        path: '/items/1/spec/replicas',
        message: 'must be integer',
      }),
    );
    expect(report.documents).toBeGreaterThan(2000);
    expect(report.validated).toBeGreaterThan(1600);
  }, 180_000);

  it('should accept extra properties and duplicate keys only when strict is off', async () => {
    const files = read(K8S, rel => /^kubeconform\/fixtures\/(extra_property|duplicate_property)\.yaml$/.test(rel));
    expect(files).toHaveLength(2);
    expect((await ManifestValidator.create({ strict: true }).validateFiles(files)).errors).toHaveLength(2);
    expect((await ManifestValidator.create({ strict: false }).validateFiles(files)).errors).toEqual([]);
  });

  it('should validate ValidatorNode objects against the shared CRD', async () => {
    const good = {
      apiVersion: 'validators.goldenpath.dev/v1alpha1',
      kind: 'ValidatorNode',
      metadata: { name: 'alpha', namespace: 'validators' },
      spec: {
        chain: { type: 'substrate', network: 'polkadot', rpcPort: 9944 },
        role: 'validator',
        image: `docker.io/parity/polkadot@sha256:${'b'.repeat(64)}`,
        hotKeySecretRef: { name: 'alpha-keystore' },
        syncPolicy: { maxBlockLag: 10, recoveryStrategy: 'snapshot-restore' },
      },
    };
    const bad = structuredClone(good) as any;
    bad.spec.image = 'docker.io/parity/polkadot:v1.0.0';
    bad.spec.syncPolicy.recoveryStrategy = 'reboot';
    bad.spec.syncPolicy.maxBlockLag = 0;
    bad.spec.chain.rpcPort = 70000;
    bad.spec.color = 'blue';
    const report = await ManifestValidator.create().validateFiles([
      { path: 'good.yaml', content: yaml.stringify(good) },
      { path: 'bad.yaml', content: yaml.stringify(bad) },
      { path: 'crd.yaml', content: yaml.stringify(validatorNodeCrd) },
    ]);
    expect(report.errors.filter(e => e.file !== 'bad.yaml')).toEqual([]);
    const paths = report.errors.map(e => `${e.path} ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/spec\/image must match pattern/),
        expect.stringMatching(/^\/spec\/syncPolicy\/recoveryStrategy must be one of/),
        expect.stringMatching(/^\/spec\/syncPolicy\/maxBlockLag /),
        expect.stringMatching(/^\/spec\/chain\/rpcPort /),
        '/spec unknown field "color"',
      ]),
    );
    expect(report.errors.every(e => e.object === 'ValidatorNode/alpha')).toBe(true);
  });

  it('should validate GitHub workflows with the workflow schema', async () => {
    const report = await ManifestValidator.create().validateFiles([
      {
        path: '.github/workflows/ok.yml',
        content: 'on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ok\n',
      },
      {
        path: '.github/workflows/bad.yml',
        content: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo\n',
      },
    ]);
    expect(report.errors.map(e => e.file)).toEqual(expect.arrayContaining(['.github/workflows/bad.yml']));
    expect(report.errors.some(e => e.file === '.github/workflows/ok.yml')).toBe(false);
    expect(report.errors.find(e => e.file === '.github/workflows/bad.yml')?.message).toMatch(/stepz/);
  });

  it('should validate catalog-info.yaml with the catalog validators', async () => {
    const component = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments', annotations: { 'github.com/project-slug': 'acme/payments' } },
      spec: { type: 'service', lifecycle: 'production', owner: 'group:default/payments' },
    };
    const broken = { ...component, metadata: { name: 'Payments Service!' }, spec: { type: 'service' } };
    const report = await ManifestValidator.create().validateFiles([
      { path: 'catalog-info.yaml', content: yaml.stringify(component) },
      { path: 'broken/catalog-info.yaml', content: yaml.stringify(broken) },
    ]);
    expect(report.validated).toBe(2);
    expect(report.errors.map(e => e.file)).toEqual(['broken/catalog-info.yaml']);
    expect(report.errors[0].message).toMatch(/metadata\.name|Payments Service!/);
  });

  it('should validate custom resources against a CRD from a later file, also when its kind is spelled with an escape', async () => {
    const crd = (kind: string) =>
      [
        'apiVersion: apiextensions.k8s.io/v1',
        `kind: ${kind}`,
        'metadata:',
        '  name: widgets.example.com',
        'spec:',
        '  group: example.com',
        '  names: {kind: Widget, plural: widgets}',
        '  scope: Namespaced',
        '  versions:',
        '    - name: v1',
        '      served: true',
        '      storage: true',
        '      schema:',
        '        openAPIV3Schema:',
        '          type: object',
        '          properties:',
        '            spec:',
        '              type: object',
        '              properties:',
        '                size: {type: integer}',
        '',
      ].join('\n');
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: large\n  colour: red\n';
    for (const kind of ['CustomResourceDefinition', '"CustomResource\\x44efinition"', '"CustomResource\\\n  Definition"']) {
      const report = await ManifestValidator.create().validateFiles([
        { path: 'a-widget.yaml', content: widget },
        { path: 'z-crd.yaml', content: crd(kind) },
      ]);
      expect({ kind, skipped: report.skipped, errors: report.errors.map(e => `${e.file} ${e.path} ${e.message}`) }).toEqual({
        kind,
        skipped: [],
        errors: ['a-widget.yaml /spec/size must be integer', 'a-widget.yaml /spec unknown field "colour"'],
      });
    }
  });

  it('should report an unknown field in an object none of whose declared fields is set', async () => {
    const report = await ManifestValidator.create().validateFiles([
      { path: 'svc.yaml', content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  portz: []\n' },
    ]);
    expect(report.errors).toEqual([
      { file: 'svc.yaml', document: 0, object: 'Service/s', path: '/spec', message: 'unknown field "portz"' },
    ]);
  });

  it('should list errors file by file in the order of the files, List items in order', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'Bad Name!' }, spec: {} },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } },
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'also bad' }, spec: {} },
      ],
    };
    const report = await ManifestValidator.create().validateFiles([
      { path: 'a.yaml', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [\n' },
      { path: 'b.yaml', content: yaml.stringify(list) },
      { path: 'c.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  bogus: 1\n' },
      { path: 'd.json', content: '{"apiVersion": "v1", "kind": "Namespace",' },
    ]);
    expect(report.errors.map(e => `${e.file} ${e.path.startsWith('line') ? 'line' : e.path}`)).toEqual([
      'a.yaml line',
      'b.yaml /items/0',
      'b.yaml /items/1/data/a',
      'b.yaml /items/2',
      'c.yaml /metadata',
      'd.json ',
    ]);
    expect(report.validated).toBe(4);
  });

  it('should report YAML syntax errors with a line and skip non-Kubernetes documents', async () => {
    const report = await ManifestValidator.create().validateFiles([
      { path: 'broken.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n' },
      { path: 'values.yaml', content: 'replicaCount: 3\n' },
      { path: 'cr.yaml', content: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' },
    ]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file: 'broken.yaml', message: expect.stringMatching(/^invalid YAML/) });
    expect(report.errors[0].path).toMatch(/^line \d+, column \d+$/);
    expect(report.skipped.map(s => [s.file, s.category])).toEqual([
      ['values.yaml', 'not-kubernetes'],
      ['cr.yaml', 'no-schema'],
    ]);
  });
});
