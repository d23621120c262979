import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  VALIDATOR_NODE_RECOVERY_STRATEGIES,
  VALIDATOR_NODE_ROLES,
  ValidatorNodeSpec,
} from '@goldenpath/plugin-reliability-common';
import { writeGeneratedFiles } from '../../lib/workspace';
import { generateOperatorFiles } from './manifests';
import { examples } from './generate.examples';

const DIGEST_PINNED = /^[^@\s]+@sha256:[a-f0-9]{64}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Creates `goldenpath:operator:generate`: writes the validator operator's deployment for the
 * service — the `ValidatorNode` CRD (from `@goldenpath/plugin-reliability-common`), a hardened
 * Deployment with leader election, ServiceAccount, least-privilege RBAC, a fail-closed
 * ValidatingWebhookConfiguration, and the service's `ValidatorNode`. A dry run writes the same files.
 * @public
 */
export function createOperatorGenerateAction() {
  return createTemplateAction({
    id: 'goldenpath:operator:generate',
    description:
      'Generates the ValidatorNode CRD, the validator operator (Deployment, ServiceAccount, RBAC, fail-closed validating webhook) and a ValidatorNode for the service.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        operatorImage: z =>
          z.string().regex(DIGEST_PINNED, 'must be pinned by digest: <repository>@sha256:<64 hex>').describe('Operator image, digest-pinned.'),
        operatorNamespace: z => z.string().regex(DNS_LABEL).default('goldenpath-system').describe('Namespace of the operator.'),
        replicas: z => z.number().int().min(1).max(5).default(2).describe('Operator replicas (one leader).'),
        namespaceReaper: z =>
          z.boolean().default(true).describe('Run the reaper of expired preview namespaces (grants namespaces list/delete).'),
        clickhouseUrl: z => z.string().regex(/^https?:\/\/[^\s]+$/).optional().describe('ClickHouse HTTP endpoint for telemetry.'),
        riskUrl: z => z.string().regex(/^https?:\/\/[^\s]+$/).optional().describe('Reliability backend base URL, e.g. http://backstage:7007/api/reliability.'),
        node: z =>
          z
            .object({
              name: z.string().regex(DNS_LABEL).max(52).describe('ValidatorNode name.'),
              namespace: z.string().regex(DNS_LABEL).describe('Namespace of the node.'),
              network: z.string().regex(DNS_LABEL).max(63).describe('Substrate chain (--chain), e.g. polkadot.'),
              role: z.enum(VALIDATOR_NODE_ROLES as [string, ...string[]]).default('full').describe('Node role.'),
              image: z.string().regex(DIGEST_PINNED, 'must be pinned by digest').describe('Node image, digest-pinned.'),
              rpcPort: z.number().int().min(1).max(65535).default(9944),
              hotKeySecretName: z.string().regex(DNS_LABEL).optional().describe('Secret with the session keystore (validator and miner).'),
              storageSize: z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei)?$/).default('500Gi'),
              storageClassName: z.string().regex(DNS_LABEL).optional(),
              maxBlockLag: z.number().int().min(1).max(100000).default(10),
              recoveryStrategy: z.enum(VALIDATOR_NODE_RECOVERY_STRATEGIES as [string, ...string[]]).default('restart'),
              maxRestartAttempts: z.number().int().min(0).max(20).default(3),
              probeIntervalSeconds: z.number().int().min(5).max(3600).default(30),
              syncTimeoutMinutes: z.number().int().min(1).max(10080).default(720),
              analyticsEndpoint: z.string().regex(/^https?:\/\/[^\s]+$/).optional(),
            })
            .optional()
            .describe('The ValidatorNode to create for the service; omit to ship only the operator.'),
        targetPath: z => z.string().default('.').describe('Workspace folder to write into.'),
        outputDir: z =>
          z.string().regex(/^(?!(.*\/)?\.\.(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'expected a relative folder without ..').default('deploy/operator').describe('Folder for the manifests.'),
      },
      output: {
        files: z => z.array(z.string()).describe('Written files, relative to the workspace.'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      let validatorNode: { name: string; namespace: string; spec: ValidatorNodeSpec } | undefined;
      if (i.node) {
        const n = i.node;
        const role = (n.role ?? 'full') as ValidatorNodeSpec['role'];
        if ((role === 'validator' || role === 'miner') && !n.hotKeySecretName) {
          throw new InputError(`node.hotKeySecretName is required for the ${role} role`);
        }
        if (role !== 'validator' && role !== 'miner' && n.hotKeySecretName) {
          throw new InputError(`node.hotKeySecretName is only allowed for the validator and miner roles, not ${role}`);
        }
        validatorNode = {
          name: n.name,
          namespace: n.namespace,
          spec: {
            chain: { type: 'substrate', network: n.network, rpcPort: n.rpcPort ?? 9944 },
            role,
            image: n.image,
            ...(n.hotKeySecretName ? { hotKeySecretRef: { name: n.hotKeySecretName, key: 'keystore' } } : {}),
            storage: {
              size: n.storageSize ?? '500Gi',
              ...(n.storageClassName ? { storageClassName: n.storageClassName } : {}),
            },
            syncPolicy: {
              maxBlockLag: n.maxBlockLag ?? 10,
              recoveryStrategy: (n.recoveryStrategy ?? 'restart') as NonNullable<ValidatorNodeSpec['syncPolicy']>['recoveryStrategy'],
              maxRestartAttempts: n.maxRestartAttempts ?? 3,
              probeIntervalSeconds: n.probeIntervalSeconds ?? 30,
              syncTimeoutMinutes: n.syncTimeoutMinutes ?? 720,
            },
            ...(n.analyticsEndpoint ? { analyticsEndpoint: n.analyticsEndpoint } : {}),
          },
        };
      }
      const files = generateOperatorFiles(
        {
          operatorNamespace: i.operatorNamespace ?? 'goldenpath-system',
          operatorImage: i.operatorImage,
          replicas: i.replicas ?? 2,
          namespaceReaper: i.namespaceReaper ?? true,
          clickhouseUrl: i.clickhouseUrl,
          riskUrl: i.riskUrl,
          validatorNode,
        },
        i.outputDir ?? 'deploy/operator',
      );
      const written = await writeGeneratedFiles(ctx.workspacePath, i.targetPath ?? '.', files);
      ctx.logger.info(`Generated ${written.length} operator manifests${ctx.isDryRun ? ' (dry run)' : ''}`);
      ctx.output('files', written);
    },
  });
}
