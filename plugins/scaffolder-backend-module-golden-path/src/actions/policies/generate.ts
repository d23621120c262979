import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { writeGeneratedFiles } from '../../lib/workspace';
import { generatePolicyFiles, SYSTEM_NAMESPACES } from './policies';
import { examples } from './generate.examples';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const REL_DIR = /^(?!(.*\/)?\.\.(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * Creates `goldenpath:policies:generate`: writes Kyverno `ClusterPolicy` files (`kyverno.io/v1`)
 * with a `.kyverno-test/` folder each, and Namespace manifests with PodSecurity labels.
 * `validationFailureAction` is `Audit` unless `enforce` is true. A dry run writes the same files.
 * @public
 */
export function createPoliciesGenerateAction() {
  return createTemplateAction({
    id: 'goldenpath:policies:generate',
    description:
      'Generates Kyverno ClusterPolicies (signed images with SBOM and SLSA v1 provenance, digest pinning, runtime hardening, resource limits, default security context, Service selectors next to databases, default-deny NetworkPolicy) with kyverno test fixtures, and PodSecurity-labelled Namespaces.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repository: z =>
          z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo').describe('Repository whose ci.yml signs the images.'),
        imageName: z =>
          z
            .string()
            .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, 'expected registry/repository without tag')
            .describe('Image repository the policy verifies, e.g. ghcr.io/acme/payments.'),
        defaultBranch: z => z.string().regex(/^[A-Za-z0-9._/-]+$/).default('main').describe('Branch whose ci.yml signs.'),
        enforce: z => z.boolean().default(false).describe('Enforce instead of Audit.'),
        allowedImagePrefixes: z =>
          z.array(z.string().regex(/^[a-z0-9][a-z0-9._/:@*-]*$/)).default([]).describe('Other allowed image patterns, e.g. ghcr.io/acme/sidecars/*.'),
        digestPinnedNamespaces: z =>
          z.array(z.string().regex(DNS_LABEL)).min(1).default(['prod', 'staging']).describe('Namespaces requiring digest-pinned images.'),
        limitExemptNamespaces: z =>
          z.array(z.string().regex(DNS_LABEL)).default(['kube-system', 'kyverno']).describe('Infrastructure namespaces exempt from resource limits.'),
        limitExemptPodLabels: z =>
          z.array(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/)).default(['cnpg.io/cluster']).describe('Label keys of operator-managed pods exempt from resource limits.'),
        namespaces: z =>
          z
            .array(
              z.object({
                name: z.string().regex(DNS_LABEL).describe('Namespace name (not a system namespace).'),
                podSecurity: z.enum(['restricted', 'baseline', 'privileged']).default('restricted'),
              }),
            )
            .default([])
            .describe('Namespaces to keep in git with PodSecurity labels.'),
        policiesDir: z => z.string().regex(REL_DIR).default('kyverno').describe('Folder for the policies.'),
        namespacesDir: z => z.string().regex(REL_DIR).default('deploy/namespaces').describe('Folder for Namespace manifests.'),
        targetPath: z => z.string().default('.').describe('Workspace folder to write into.'),
      },
      output: {
        files: z => z.array(z.string()).describe('Written files, relative to the workspace.'),
        policies: z => z.array(z.string()).describe('Names of the generated ClusterPolicies.'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      for (const [index, n] of (i.namespaces ?? []).entries()) {
        if (SYSTEM_NAMESPACES.includes(n.name)) {
          throw new InputError(`namespaces[${index}].name '${n.name}' is a system namespace and is not managed by this template`);
        }
      }
      const files = generatePolicyFiles(
        {
          repository: i.repository,
          defaultBranch: i.defaultBranch ?? 'main',
          imageName: i.imageName,
          allowedImagePrefixes: i.allowedImagePrefixes ?? [],
          validationFailureAction: i.enforce ? 'Enforce' : 'Audit',
          digestPinnedNamespaces: i.digestPinnedNamespaces ?? ['prod', 'staging'],
          limitExemptNamespaces: i.limitExemptNamespaces ?? ['kube-system', 'kyverno'],
          limitExemptPodLabels: i.limitExemptPodLabels ?? ['cnpg.io/cluster'],
          namespaces: (i.namespaces ?? []).map(n => ({ name: n.name, podSecurity: n.podSecurity ?? 'restricted' })),
        },
        { policiesDir: i.policiesDir ?? 'kyverno', namespacesDir: i.namespacesDir ?? 'deploy/namespaces' },
      );
      const written = await writeGeneratedFiles(ctx.workspacePath, i.targetPath ?? '.', files);
      const policies = files
        .filter(f => /\/([^/]+)\/\1\.yaml$/.test(f.path))
        .map(f => f.path.split('/').slice(-2)[0]);
      ctx.logger.info(
        `Generated ${policies.length} Kyverno policies (${i.enforce ? 'Enforce' : 'Audit'})${ctx.isDryRun ? ' (dry run)' : ''}`,
      );
      ctx.output('files', written);
      ctx.output('policies', policies);
    },
  });
}
