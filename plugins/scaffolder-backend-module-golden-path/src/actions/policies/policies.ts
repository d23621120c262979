import yaml from 'yaml';
import type { GeneratedFile } from '../../lib/workspace';
import { GITHUB_OIDC_ISSUER, SLSA_BUILD_TYPE } from '../pipelines/workflows';

/**
 * Inputs of the Kyverno policy generators (validated by the action's schema).
 * @public
 */
export interface PolicySettings {
  /** `owner/repo`; binds the keyless attestor to its `ci.yml`. */
  repository: string;
  /** Default branch whose `ci.yml` signs images. */
  defaultBranch: string;
  /** Image repository without tag, e.g. `ghcr.io/acme/payments`. */
  imageName: string;
  /** Extra image prefixes allowed besides `imageName` (e.g. a vetted sidecar), `*` wildcards allowed. */
  allowedImagePrefixes: string[];
  /** `Audit` (default) or `Enforce`. */
  validationFailureAction: 'Audit' | 'Enforce';
  /** Namespaces where images must be pinned by digest. */
  digestPinnedNamespaces: string[];
  /** Namespaces excluded from resource-limit checks (infrastructure). */
  limitExemptNamespaces: string[];
  /** Pod label keys marking operator-managed pods excluded from resource limits. */
  limitExemptPodLabels: string[];
  /** Namespaces to write Namespace manifests (with PodSecurity labels) for. */
  namespaces: Array<{ name: string; podSecurity: 'restricted' | 'baseline' | 'privileged' }>;
}

/** Namespaces every cluster-wide mutate/generate policy leaves alone. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno'];

const ALL_CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';

type Doc = Record<string, unknown>;

function clusterPolicy(
  name: string,
  title: string,
  description: string,
  spec: Doc,
  s: PolicySettings,
): Doc {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': title,
        'policies.kyverno.io/category': 'Goldenpath',
        'policies.kyverno.io/severity': 'high',
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/description': description,
      },
    },
    spec: { validationFailureAction: s.validationFailureAction, background: true, ...spec },
  };
}

function podMatch(namespaces?: string[]): Doc {
  return { any: [{ resources: { kinds: ['Pod'], ...(namespaces ? { namespaces } : {}) } }] };
}

function keylessAttestor(s: PolicySettings): Doc {
  return {
    entries: [
      {
        keyless: {
          subject: `https://github.com/${s.repository}/.github/workflows/ci.yml@refs/heads/${s.defaultBranch}`,
          issuer: GITHUB_OIDC_ISSUER,
          rekor: { url: 'https://rekor.sigstore.dev' },
        },
      },
    ],
  };
}

function requireSignedImages(s: PolicySettings): Doc {
  const attestor = keylessAttestor(s);
  const allowed = [`${s.imageName}@*`, `${s.imageName}:*`, ...s.allowedImagePrefixes];
  return clusterPolicy(
    'require-signed-images',
    'Require signed images with SBOM and SLSA v1 provenance',
    `Images of ${s.imageName} must be signed keylessly by ${s.repository}'s ci.yml on ${s.defaultBranch}, carry an SPDX SBOM with at least one package and SLSA v1 provenance from that workflow. Tags are replaced by the verified digest. Covers containers, initContainers and ephemeralContainers.`,
    {
      webhookTimeoutSeconds: 30,
      rules: [
        {
          name: 'allowed-registries',
          match: { any: [{ resources: { kinds: ['Pod', 'Pod/ephemeralcontainers'] } }] },
          exclude: { any: [{ resources: { namespaces: SYSTEM_NAMESPACES } }] },
          validate: {
            message: `Every image must come from ${allowed.join(' or ')}, so that it is covered by signature verification.`,
            pattern: {
              spec: {
                '=(ephemeralContainers)': [{ image: allowed.join(' | ') }],
                '=(initContainers)': [{ image: allowed.join(' | ') }],
                containers: [{ image: allowed.join(' | ') }],
              },
            },
          },
        },
        {
          name: 'verify-signature-sbom-provenance',
          match: { any: [{ resources: { kinds: ['Pod', 'Pod/ephemeralcontainers'] } }] },
          exclude: { any: [{ resources: { namespaces: SYSTEM_NAMESPACES } }] },
          verifyImages: [
            {
              imageReferences: [`${s.imageName}*`],
              mutateDigest: true,
              verifyDigest: true,
              required: true,
              attestors: [attestor],
              attestations: [
                {
                  type: 'https://spdx.dev/Document',
                  attestors: [attestor],
                  conditions: [
                    { all: [{ key: '{{ packages | length(@) }}', operator: 'GreaterThan', value: 0 }] },
                  ],
                },
                {
                  type: 'https://slsa.dev/provenance/v1',
                  attestors: [attestor],
                  conditions: [
                    {
                      all: [
                        { key: '{{ buildDefinition.buildType }}', operator: 'Equals', value: SLSA_BUILD_TYPE },
                        {
                          key: '{{ buildDefinition.externalParameters.workflow.path }}',
                          operator: 'Equals',
                          value: '.github/workflows/ci.yml',
                        },
                        {
                          key: '{{ buildDefinition.externalParameters.workflow.repository }}',
                          operator: 'Equals',
                          value: `https://github.com/${s.repository}`,
                        },
                        {
                          key: '{{ buildDefinition.externalParameters.workflow.ref }}',
                          operator: 'Equals',
                          value: `refs/heads/${s.defaultBranch}`,
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
    s,
  );
}

function requireDigestPinning(s: PolicySettings): Doc {
  return clusterPolicy(
    'require-digest-pinning',
    'Require digest-pinned images',
    `In ${s.digestPinnedNamespaces.join(', ')} every container, init container and ephemeral container image must be pinned by digest (image@sha256:...).`,
    {
      rules: [
        {
          name: 'require-image-digest',
          match: podMatch(s.digestPinnedNamespaces),
          validate: {
            message: 'Images in {{ request.namespace }} must be pinned by digest (image@sha256:<digest>).',
            foreach: [
              {
                list: ALL_CONTAINERS,
                deny: { conditions: { all: [{ key: '{{ contains(element.image, \'@sha256:\') }}', operator: 'Equals', value: false }] } },
              },
            ],
          },
        },
      ],
    },
    s,
  );
}

function runtimeHardening(s: PolicySettings): Doc {
  return clusterPolicy(
    'runtime-hardening',
    'Runtime hardening',
    'Every container, init container and ephemeral container runs as non-root with a read-only root filesystem, no privilege escalation and all capabilities dropped.',
    {
      rules: [
        {
          name: 'hardened-security-context',
          match: podMatch(),
          exclude: { any: [{ resources: { namespaces: SYSTEM_NAMESPACES } }] },
          validate: {
            message:
              'Container {{ element.name }} must set runAsNonRoot: true (or inherit it from the pod), readOnlyRootFilesystem: true, allowPrivilegeEscalation: false and capabilities.drop: [ALL].',
            foreach: [
              {
                list: ALL_CONTAINERS,
                deny: {
                  conditions: {
                    any: [
                      // An explicit false on the container overrides a pod-level true.
                      { key: '{{ to_string(element.securityContext.runAsNonRoot) }}', operator: 'Equals', value: 'false' },
                      {
                        key: '{{ to_string(element.securityContext.runAsNonRoot || request.object.spec.securityContext.runAsNonRoot || `false`) }}',
                        operator: 'NotEquals',
                        value: 'true',
                      },
                      { key: '{{ to_string(element.securityContext.readOnlyRootFilesystem) }}', operator: 'NotEquals', value: 'true' },
                      { key: '{{ to_string(element.securityContext.allowPrivilegeEscalation) }}', operator: 'NotEquals', value: 'false' },
                      { key: 'ALL', operator: 'AnyNotIn', value: '{{ element.securityContext.capabilities.drop[] || `[]` }}' },
                    ],
                  },
                },
              },
            ],
          },
        },
      ],
    },
    s,
  );
}

function requireResourceLimits(s: PolicySettings): Doc {
  return clusterPolicy(
    'require-resource-limits',
    'Require resource requests and limits',
    `Containers must declare CPU and memory requests and limits. Infrastructure is exempt: namespaces ${s.limitExemptNamespaces.join(', ')} and operator-managed pods labelled ${s.limitExemptPodLabels.join(', ')}.`,
    {
      rules: [
        {
          name: 'require-requests-and-limits',
          match: podMatch(),
          exclude: {
            any: [
              { resources: { namespaces: s.limitExemptNamespaces } },
              ...s.limitExemptPodLabels.map(key => ({
                resources: { selector: { matchExpressions: [{ key, operator: 'Exists' }] } },
              })),
            ],
          },
          validate: {
            message: 'CPU and memory requests and limits are required.',
            pattern: {
              spec: {
                '=(initContainers)': [
                  { resources: { requests: { memory: '?*', cpu: '?*' }, limits: { memory: '?*', cpu: '?*' } } },
                ],
                containers: [
                  { resources: { requests: { memory: '?*', cpu: '?*' }, limits: { memory: '?*', cpu: '?*' } } },
                ],
              },
            },
          },
        },
      ],
    },
    s,
  );
}

function defaultSecurityContext(s: PolicySettings): Doc {
  const exclude = { any: [{ resources: { namespaces: SYSTEM_NAMESPACES } }] };
  return clusterPolicy(
    'default-security-context',
    'Default pod security context',
    'Adds runAsNonRoot and the RuntimeDefault seccomp profile to pods that do not set them, then requires both. System namespaces are excluded.',
    {
      rules: [
        {
          name: 'add-default-security-context',
          match: podMatch(),
          exclude,
          mutate: {
            patchStrategicMerge: {
              spec: {
                securityContext: {
                  '+(runAsNonRoot)': true,
                  '+(seccompProfile)': { type: 'RuntimeDefault' },
                },
              },
            },
          },
        },
        {
          name: 'require-security-context',
          match: podMatch(),
          exclude,
          validate: {
            message: 'Pods must run as non-root with the RuntimeDefault or a Localhost seccomp profile.',
            pattern: {
              spec: {
                securityContext: {
                  runAsNonRoot: true,
                  seccompProfile: { type: 'RuntimeDefault | Localhost' },
                },
              },
            },
          },
        },
      ],
    },
    s,
  );
}

function serviceSelectorComponent(s: PolicySettings): Doc {
  return {
    ...clusterPolicy(
      'service-selector-component',
      'Services next to a database select on app.kubernetes.io/component',
      'In a namespace that also runs a database (pods labelled app.kubernetes.io/component=database or managed by CloudNativePG), a Service must select on app.kubernetes.io/component. Otherwise a selector on shared labels such as app.kubernetes.io/name also matches the database pods and sends part of the traffic to the database.',
      {
        background: false,
        rules: [
          {
            name: 'require-component-selector',
            match: { any: [{ resources: { kinds: ['Service'] } }] },
            context: [
              {
                name: 'databasePods',
                apiCall: {
                  urlPath: '/api/v1/namespaces/{{ request.namespace }}/pods?labelSelector=app.kubernetes.io%2Fcomponent%3Ddatabase',
                  jmesPath: 'items | length(@)',
                },
              },
              {
                name: 'cnpgPods',
                apiCall: {
                  urlPath: '/api/v1/namespaces/{{ request.namespace }}/pods?labelSelector=cnpg.io%2Fcluster',
                  jmesPath: 'items | length(@)',
                },
              },
            ],
            preconditions: {
              all: [
                { key: '{{ request.object.spec.type || \'ClusterIP\' }}', operator: 'NotEquals', value: 'ExternalName' },
                { key: '{{ sum([`0`, databasePods, cnpgPods]) }}', operator: 'GreaterThan', value: 0 },
              ],
            },
            validate: {
              message:
                'This namespace runs a database: the Service selector must include app.kubernetes.io/component so it cannot match the database pods.',
              pattern: { spec: { selector: { 'app.kubernetes.io/component': '?*' } } },
            },
          },
        ],
      },
      s,
    ),
  };
}

function defaultDenyNetworkPolicy(s: PolicySettings): Doc {
  const p = clusterPolicy(
    'generate-default-deny',
    'Default-deny NetworkPolicy per namespace',
    'Generates a default-deny NetworkPolicy (ingress and egress) in every new namespace outside the system namespaces. synchronize is false so teams can adjust it; allow rules are added next to it.',
    {
      generateExisting: false,
      rules: [
        {
          name: 'default-deny',
          match: { any: [{ resources: { kinds: ['Namespace'] } }] },
          exclude: { any: [{ resources: { names: SYSTEM_NAMESPACES } }] },
          generate: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            name: 'default-deny',
            namespace: '{{ request.object.metadata.name }}',
            synchronize: false,
            data: { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
          },
        },
      ],
    },
    s,
  );
  (p.metadata as Doc).annotations = {
    ...((p.metadata as Doc).annotations as Doc),
    'policies.kyverno.io/subject': 'Namespace, NetworkPolicy',
  };
  return p;
}

function pod(name: string, namespace: string, spec: Doc, labels?: Record<string, string>): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec,
  };
}

const HARDENED = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};
const RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const DIGEST = `sha256:${'a'.repeat(64)}`;

interface PolicyCase {
  policy: Doc;
  resources: Doc[];
  results: Array<{ rule: string; resources: string[]; kind: string; result: 'pass' | 'fail' | 'skip'; patchedResource?: string; generatedResource?: string }>;
  extraFiles?: Record<string, Doc[]>;
  values?: Doc;
}

function cases(s: PolicySettings): PolicyCase[] {
  const image = `${s.imageName}@${DIGEST}`;
  const goodContainer = { name: 'app', image, securityContext: HARDENED, resources: RESOURCES };
  const ns = s.digestPinnedNamespaces[0] ?? 'prod';
  return [
    {
      policy: requireSignedImages(s),
      resources: [
        pod('signed-registry-pod', 'apps', { containers: [goodContainer] }),
        pod('foreign-init-container', 'apps', {
          initContainers: [{ name: 'setup', image: 'docker.io/library/busybox:1.36' }],
          containers: [goodContainer],
        }),
      ],
      results: [
        { rule: 'allowed-registries', resources: ['signed-registry-pod'], kind: 'Pod', result: 'pass' },
        { rule: 'allowed-registries', resources: ['foreign-init-container'], kind: 'Pod', result: 'fail' },
      ],
    },
    {
      policy: requireDigestPinning(s),
      resources: [
        pod('pinned', ns, { containers: [goodContainer] }),
        pod('tagged-ephemeral', ns, {
          containers: [goodContainer],
          ephemeralContainers: [{ name: 'debug', image: `${s.imageName}:debug` }],
        }),
        pod('tagged-elsewhere', 'dev-sandbox', { containers: [{ name: 'app', image: `${s.imageName}:latest` }] }),
      ],
      results: [
        { rule: 'require-image-digest', resources: ['pinned'], kind: 'Pod', result: 'pass' },
        { rule: 'require-image-digest', resources: ['tagged-ephemeral'], kind: 'Pod', result: 'fail' },
      ],
    },
    {
      policy: runtimeHardening(s),
      resources: [
        pod('hardened', 'apps', { containers: [goodContainer] }),
        pod('root-init-container', 'apps', {
          initContainers: [{ name: 'setup', image, securityContext: { ...HARDENED, runAsNonRoot: false } }],
          containers: [goodContainer],
        }),
        pod('container-overrides-pod-non-root', 'apps', {
          securityContext: { runAsNonRoot: true },
          containers: [{ name: 'app', image, securityContext: { ...HARDENED, runAsNonRoot: false } }],
        }),
        pod('writable-root', 'apps', {
          containers: [{ name: 'app', image, securityContext: { ...HARDENED, readOnlyRootFilesystem: false } }],
        }),
      ],
      results: [
        { rule: 'hardened-security-context', resources: ['hardened'], kind: 'Pod', result: 'pass' },
        {
          rule: 'hardened-security-context',
          resources: ['root-init-container', 'container-overrides-pod-non-root', 'writable-root'],
          kind: 'Pod',
          result: 'fail',
        },
      ],
    },
    {
      policy: requireResourceLimits(s),
      resources: [
        pod('with-limits', 'apps', { containers: [goodContainer] }),
        pod('no-limits', 'apps', { containers: [{ name: 'app', image }] }),
        pod('postgres-1', 'apps', { containers: [{ name: 'postgres', image: 'ghcr.io/cloudnative-pg/postgresql:16' }] }, { 'cnpg.io/cluster': 'db' }),
      ],
      results: [
        { rule: 'require-requests-and-limits', resources: ['with-limits'], kind: 'Pod', result: 'pass' },
        { rule: 'require-requests-and-limits', resources: ['no-limits'], kind: 'Pod', result: 'fail' },
        { rule: 'require-requests-and-limits', resources: ['postgres-1'], kind: 'Pod', result: 'skip' },
      ],
    },
    {
      policy: defaultSecurityContext(s),
      resources: [
        pod('secured', 'apps', {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [goodContainer],
        }),
        pod('unconfined', 'apps', {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
          containers: [goodContainer],
        }),
      ],
      results: [
        { rule: 'require-security-context', resources: ['secured'], kind: 'Pod', result: 'pass' },
        { rule: 'require-security-context', resources: ['unconfined'], kind: 'Pod', result: 'fail' },
      ],
    },
    {
      policy: serviceSelectorComponent(s),
      resources: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'api-component-selector', namespace: 'apps' },
          spec: { selector: { 'app.kubernetes.io/name': 'payments', 'app.kubernetes.io/component': 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'api-shared-label-selector', namespace: 'apps' },
          spec: { selector: { 'app.kubernetes.io/name': 'payments' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
      ],
      values: {
        apiVersion: 'cli.kyverno.io/v1alpha1',
        kind: 'Values',
        metadata: { name: 'values' },
        policies: [
          {
            name: 'service-selector-component',
            rules: [{ name: 'require-component-selector', values: { databasePods: 0, cnpgPods: 1 } }],
          },
        ],
      },
      results: [
        { rule: 'require-component-selector', resources: ['api-component-selector'], kind: 'Service', result: 'pass' },
        { rule: 'require-component-selector', resources: ['api-shared-label-selector'], kind: 'Service', result: 'fail' },
      ],
    },
    {
      policy: defaultDenyNetworkPolicy(s),
      resources: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-payments' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
      ],
      extraFiles: {
        'generated-network-policy.yaml': [
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'default-deny', namespace: 'team-payments' },
            spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
          },
        ],
      },
      results: [
        {
          rule: 'default-deny',
          resources: ['team-payments'],
          kind: 'Namespace',
          result: 'pass',
          generatedResource: 'generated-network-policy.yaml',
        },
        { rule: 'default-deny', resources: ['kube-system'], kind: 'Namespace', result: 'skip' },
      ],
    },
  ];
}

const dump = (docs: Doc[]) => docs.map(d => yaml.stringify(d, { lineWidth: 0 })).join('---\n');

/**
 * Builds every policy file, its `.kyverno-test/` fixtures (kyverno-test.yaml, resource.yaml and,
 * where needed, values.yaml or the expected generated resource) and the Namespace manifests.
 *
 * Layout: `<policiesDir>/<policy>/<policy>.yaml`, `<policiesDir>/<policy>/.kyverno-test/*`,
 * `<namespacesDir>/<namespace>.yaml`.
 * @public
 */
export function generatePolicyFiles(
  s: PolicySettings,
  dirs: { policiesDir: string; namespacesDir: string },
): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const c of cases(s)) {
    const name = (c.policy.metadata as Doc).name as string;
    const base = `${dirs.policiesDir}/${name}`;
    files.push({ path: `${base}/${name}.yaml`, content: dump([c.policy]) });
    files.push({ path: `${base}/.kyverno-test/resource.yaml`, content: dump(c.resources) });
    for (const [file, docs] of Object.entries(c.extraFiles ?? {})) {
      files.push({ path: `${base}/.kyverno-test/${file}`, content: dump(docs) });
    }
    if (c.values) {
      files.push({ path: `${base}/.kyverno-test/values.yaml`, content: dump([c.values]) });
    }
    const test: Doc = {
      apiVersion: 'cli.kyverno.io/v1alpha1',
      kind: 'Test',
      metadata: { name },
      policies: [`../${name}.yaml`],
      resources: ['resource.yaml'],
      ...(c.values ? { variables: 'values.yaml' } : {}),
      results: c.results.map(r => ({ policy: name, ...r })),
    };
    files.push({ path: `${base}/.kyverno-test/kyverno-test.yaml`, content: dump([test]) });
  }
  for (const n of s.namespaces) {
    files.push({
      path: `${dirs.namespacesDir}/${n.name}.yaml`,
      content: dump([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: n.name,
            labels: {
              'pod-security.kubernetes.io/enforce': n.podSecurity,
              'pod-security.kubernetes.io/enforce-version': 'latest',
              'pod-security.kubernetes.io/audit': 'restricted',
              'pod-security.kubernetes.io/audit-version': 'latest',
              'pod-security.kubernetes.io/warn': 'restricted',
              'pod-security.kubernetes.io/warn-version': 'latest',
            },
          },
        },
      ]),
    });
  }
  return files;
}
