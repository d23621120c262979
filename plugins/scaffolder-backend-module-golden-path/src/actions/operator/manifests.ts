import yaml from 'yaml';
import {
  VALIDATOR_NODE_API_VERSION,
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_KIND,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_VERSION,
  ValidatorNode,
  ValidatorNodeSpec,
  validatorNodeCrd,
} from '@goldenpath/plugin-reliability-common';
import type { GeneratedFile } from '../../lib/workspace';

/**
 * Inputs of the operator manifest generator.
 * @public
 */
export interface OperatorSettings {
  /** Namespace the operator runs in. */
  operatorNamespace: string;
  /** Operator image pinned by digest. */
  operatorImage: string;
  /** Operator replicas (leader election keeps one active). */
  replicas: number;
  /** Run the reaper of expired preview namespaces (`platform.io/ttl`); needs namespaces list/delete. */
  namespaceReaper: boolean;
  /** ClickHouse HTTP endpoint for telemetry (`--clickhouse-url`). */
  clickhouseUrl?: string;
  /** Reliability backend base URL for risk scores (`--risk-url`). */
  riskUrl?: string;
  /** The service's ValidatorNode, or undefined to ship only the operator. */
  validatorNode?: { name: string; namespace: string; spec: ValidatorNodeSpec };
}

type Doc = Record<string, unknown>;
const NAME = 'validator-operator';
const labels = {
  'app.kubernetes.io/name': NAME,
  'app.kubernetes.io/component': 'operator',
  'app.kubernetes.io/part-of': 'goldenpath',
};

function rbac(s: OperatorSettings): Doc[] {
  // Exactly the calls the operator makes (packages/validator-operator/src/kube/KubeGateway.ts).
  // It never reads Secrets: the kubelet mounts the hot-key Secret, so no secrets rule at all.
  const clusterRole: Doc = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: NAME, labels },
    rules: [
      { apiGroups: [VALIDATOR_NODE_GROUP], resources: [VALIDATOR_NODE_PLURAL], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: [VALIDATOR_NODE_GROUP], resources: [`${VALIDATOR_NODE_PLURAL}/status`], verbs: ['patch'] },
      { apiGroups: [VALIDATOR_NODE_GROUP], resources: [`${VALIDATOR_NODE_PLURAL}/finalizers`], verbs: ['update'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'create', 'update'] },
      // No delete on PVCs: chain data outlives the node; removing a volume is a human decision.
      { apiGroups: [''], resources: ['services', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['list'] },
    ],
  };
  const binding = (name: string): Doc => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: s.operatorNamespace }],
  });
  const leaseRole: Doc = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: `${NAME}-leader-election`, namespace: s.operatorNamespace, labels },
    rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
  };
  const leaseBinding: Doc = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${NAME}-leader-election`, namespace: s.operatorNamespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${NAME}-leader-election` },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: s.operatorNamespace }],
  };
  const docs = [clusterRole, binding(NAME), leaseRole, leaseBinding];
  if (s.namespaceReaper) {
    docs.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `${NAME}-reaper`, labels },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'delete'] }],
      },
      binding(`${NAME}-reaper`),
    );
  }
  return docs;
}

function deployment(s: OperatorSettings): Doc {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: s.operatorNamespace, labels },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/component': 'operator' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: true,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
            },
          ],
          containers: [
            {
              name: 'operator',
              image: s.operatorImage,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--leader-elect=true',
                `--leader-election-namespace=${s.operatorNamespace}`,
                '--health-probe-bind-address=:8081',
                '--webhook-port=9443',
                ...(s.clickhouseUrl ? [`--clickhouse-url=${s.clickhouseUrl}`] : []),
                ...(s.riskUrl ? [`--risk-url=${s.riskUrl}`] : []),
                ...(s.namespaceReaper ? [] : ['--reaper-interval-seconds=0']),
              ],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                // Measured (bench/operator, built operator): peak about 240 MiB RSS for 1,000 ValidatorNodes with the
                // heap capped here, about 440 MiB without the cap (docs/validator-operator.md).
                { name: 'NODE_OPTIONS', value: '--max-old-space-size=192' },
                // Credentials the operator reads from its environment (never from arguments or logs).
                ...(s.clickhouseUrl
                  ? [{ name: 'CLICKHOUSE_PASSWORD', valueFrom: { secretKeyRef: { name: `${NAME}-credentials`, key: 'clickhouse-password', optional: true } } }]
                  : []),
                ...(s.riskUrl
                  ? [{ name: 'RISK_API_TOKEN', valueFrom: { secretKeyRef: { name: `${NAME}-credentials`, key: 'risk-api-token' } } }]
                  : []),
              ],
              ports: [
                { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
                { name: 'health', containerPort: 8081, protocol: 'TCP' },
              ],
              livenessProbe: { httpGet: { path: '/healthz', port: 'health' }, initialDelaySeconds: 10, periodSeconds: 20 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 10 },
              // 1,000 nodes probed every 30 s use 0.5–0.7 cores (bench/operator): a 500m limit would throttle it.
              resources: { requests: { cpu: '250m', memory: '300Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: {
                runAsNonRoot: true,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'webhook-tls', mountPath: '/tmp/k8s-webhook-server/serving-certs', readOnly: true },
                { name: 'tmp', mountPath: '/tmp/operator' },
              ],
            },
          ],
          volumes: [
            { name: 'webhook-tls', secret: { secretName: `${NAME}-webhook-tls`, defaultMode: 0o400 } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

function webhook(s: OperatorSettings): Doc[] {
  const service: Doc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${NAME}-webhook`, namespace: s.operatorNamespace, labels },
    spec: {
      selector: { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/component': 'operator' },
      ports: [{ name: 'https', port: 443, targetPort: 'webhook', protocol: 'TCP' }],
    },
  };
  const config: Doc = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: `${NAME}-validating`,
      labels,
      annotations: { 'cert-manager.io/inject-ca-from': `${s.operatorNamespace}/${NAME}-webhook` },
    },
    webhooks: [
      {
        name: `validatornodes.${VALIDATOR_NODE_GROUP}`,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        // Fail closed: an unvalidated ValidatorNode could run an unpinned image or a validator without its key.
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        timeoutSeconds: 10,
        clientConfig: {
          service: {
            namespace: s.operatorNamespace,
            name: `${NAME}-webhook`,
            path: `/validate-${VALIDATOR_NODE_GROUP.replace(/\./g, '-')}-${VALIDATOR_NODE_VERSION}-validatornode`,
            port: 443,
          },
        },
        rules: [
          {
            apiGroups: [VALIDATOR_NODE_GROUP],
            apiVersions: [VALIDATOR_NODE_VERSION],
            operations: ['CREATE', 'UPDATE'],
            resources: [VALIDATOR_NODE_PLURAL],
            scope: 'Namespaced',
          },
        ],
      },
    ],
  };
  const issuer: Doc = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name: `${NAME}-selfsigned`, namespace: s.operatorNamespace, labels },
    spec: { selfSigned: {} },
  };
  const certificate: Doc = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: `${NAME}-webhook`, namespace: s.operatorNamespace, labels },
    spec: {
      secretName: `${NAME}-webhook-tls`,
      dnsNames: [`${NAME}-webhook.${s.operatorNamespace}.svc`, `${NAME}-webhook.${s.operatorNamespace}.svc.cluster.local`],
      issuerRef: { kind: 'Issuer', name: `${NAME}-selfsigned` },
    },
  };
  return [service, issuer, certificate, config];
}

const dump = (docs: Doc[]) => docs.map(d => yaml.stringify(d, { lineWidth: 0 })).join('---\n');

/**
 * Builds the operator's manifests under `dir`: `crd.yaml` (serialised from
 * `validatorNodeCrd`, the single CRD source), `namespace.yaml`, `serviceaccount.yaml`,
 * `rbac.yaml`, `deployment.yaml`, `webhook.yaml` and, when configured, `validatornode.yaml`.
 * @public
 */
export function generateOperatorFiles(s: OperatorSettings, dir: string): GeneratedFile[] {
  const files: GeneratedFile[] = [
    { path: `${dir}/crd.yaml`, content: dump([validatorNodeCrd as unknown as Doc]) },
    {
      path: `${dir}/namespace.yaml`,
      content: dump([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: s.operatorNamespace,
            labels: {
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/enforce-version': 'latest',
            },
          },
        },
      ]),
    },
    {
      path: `${dir}/serviceaccount.yaml`,
      content: dump([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace: s.operatorNamespace, labels } }]),
    },
    { path: `${dir}/rbac.yaml`, content: dump(rbac(s)) },
    { path: `${dir}/deployment.yaml`, content: dump([deployment(s)]) },
    { path: `${dir}/webhook.yaml`, content: dump(webhook(s)) },
  ];
  if (s.validatorNode) {
    const node: ValidatorNode = {
      apiVersion: VALIDATOR_NODE_API_VERSION,
      kind: VALIDATOR_NODE_KIND,
      metadata: {
        name: s.validatorNode.name,
        namespace: s.validatorNode.namespace,
        labels: { 'app.kubernetes.io/name': s.validatorNode.name, 'app.kubernetes.io/component': 'validator-node' },
      },
      spec: s.validatorNode.spec,
    };
    files.push({ path: `${dir}/validatornode.yaml`, content: dump([node as unknown as Doc]) });
  }
  return files;
}
