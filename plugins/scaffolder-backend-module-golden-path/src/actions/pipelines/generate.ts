import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { writeGeneratedFiles } from '../../lib/workspace';
import { PipelineSettings, WORKFLOW_GENERATORS, WorkflowName } from './workflows';
import { examples } from './generate.examples';

const WORKFLOW_NAMES = Object.keys(WORKFLOW_GENERATORS) as [WorkflowName, ...WorkflowName[]];

/** Safe for YAML plain scalars and double-quoted shell words: no quotes, `$`, backticks, newlines. */
const SAFE_TEXT = /^[A-Za-z0-9 _.,:/@=+%-]+$/;
const NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
/** A relative folder: path segments of safe characters, none of them `..`. */
const REL_DIR = /^(?!(.*\/)?\.\.(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * Creates `goldenpath:pipelines:generate`: writes the selected GitHub Actions workflows into
 * `<targetPath>/.github/workflows/`. Every third-party action is pinned by commit SHA with its
 * version in a comment, permissions are least-privilege per job, and `id-token: write` appears
 * only on jobs that sign. A dry run writes the same files into the dry-run workspace.
 * @public
 */
export function createPipelinesGenerateAction() {
  return createTemplateAction({
    id: 'goldenpath:pipelines:generate',
    description:
      'Generates signed-supply-chain GitHub Actions workflows: CI with SBOMs, cosign signing and SLSA v1 provenance, secret scanning, Terraform plan/apply/drift with cost gates, preview environments, policy tests and e2e with flaky-test quarantine.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repository: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo')
            .describe('GitHub repository as owner/repo; binds the signing identity.'),
        imageName: z =>
          z
            .string()
            .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, 'expected a registry/repository without tag, e.g. ghcr.io/acme/payments')
            .describe('Image repository without tag, e.g. ghcr.io/acme/payments.'),
        entityRef: z =>
          z
            .string()
            .regex(/^[a-z]+:[a-z0-9-]+\/[a-z0-9][-a-z0-9_.]*$/i, 'expected kind:namespace/name')
            .describe('Catalog entity reported to Goldenpath, e.g. component:default/payments.'),
        goldenpathUrl: z =>
          z
            .string()
            .regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~/-]*)?$/, 'expected an http(s) base URL')
            .describe('Goldenpath (Backstage) base URL that receives cost and drift reports.'),
        workflows: z =>
          z
            .array(z.enum(WORKFLOW_NAMES))
            .min(1)
            .default([...WORKFLOW_NAMES])
            .describe(`Workflows to generate; any of ${WORKFLOW_NAMES.join(', ')}.`),
        defaultBranch: z => z.string().regex(NAME).default('main').describe('Default branch.'),
        nodeVersion: z => z.string().regex(/^[0-9]+(\.[0-9]+){0,2}$/).default('22').describe('Node.js version.'),
        installCommand: z =>
          z.string().regex(SAFE_TEXT).default('yarn install --immutable').describe('Dependency install command.'),
        testCommand: z => z.string().regex(SAFE_TEXT).default('yarn test').describe('Test command.'),
        terraformDir: z =>
          z.string().regex(REL_DIR, 'expected a relative folder without ..').default('infra').describe('Terraform root module folder.'),
        environments: z =>
          z.array(z.string().regex(NAME)).min(1).default(['dev', 'staging', 'prod']).describe('Terraform environments (var file environments/<env>.tfvars).'),
        requiredTags: z =>
          z.array(z.string().regex(/^[A-Za-z0-9_.:-]+$/)).default(['owner', 'cost_center', 'environment', 'service']).describe('Tags required in tags_all of every managed resource.'),
        costCenters: z =>
          z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/)).min(1).describe('Allowed cost_center tag values.'),
        owner: z => z.string().regex(/^[A-Za-z0-9_.:/-]+$/).describe('Owner (group ref) for preview namespaces.'),
        costCenter: z => z.string().regex(/^[A-Za-z0-9_.-]+$/).describe('Cost center of preview namespaces.'),
        previewTtl: z => z.string().regex(/^[0-9]+[hd]$/).default('72h').describe('Preview namespace TTL, e.g. 72h.'),
        previewDomain: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'expected a DNS domain')
            .default('preview.example.com')
            .describe('DNS zone of preview environments; e2e targets https://pr-<n>-<repo>.<previewDomain>.'),
        manifestsDir: z => z.string().regex(REL_DIR, 'expected a relative folder without ..').default('deploy').describe('Kubernetes manifests folder.'),
        policiesDir: z => z.string().regex(REL_DIR, 'expected a relative folder without ..').default('kyverno').describe('Kyverno policies folder.'),
        e2eCommand: z => z.string().regex(SAFE_TEXT).default('npx playwright test').describe('E2E command (gets --shard and --grep-invert).'),
        e2eShards: z => z.number().int().min(1).max(20).default(3).describe('Number of e2e shards.'),
        targetPath: z => z.string().default('.').describe('Workspace folder to write into.'),
      },
      output: {
        files: z => z.array(z.string()).describe('Written files, relative to the workspace.'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      const settings: PipelineSettings = {
        repository: i.repository,
        defaultBranch: i.defaultBranch ?? 'main',
        imageName: i.imageName,
        nodeVersion: i.nodeVersion ?? '22',
        installCommand: i.installCommand ?? 'yarn install --immutable',
        testCommand: i.testCommand ?? 'yarn test',
        entityRef: i.entityRef,
        goldenpathUrl: i.goldenpathUrl.replace(/\/+$/, ''),
        terraformDir: i.terraformDir ?? 'infra',
        environments: i.environments ?? ['dev', 'staging', 'prod'],
        requiredTags: i.requiredTags ?? ['owner', 'cost_center', 'environment', 'service'],
        costCenters: i.costCenters,
        owner: i.owner,
        costCenter: i.costCenter,
        previewTtl: i.previewTtl ?? '72h',
        previewDomain: i.previewDomain ?? 'preview.example.com',
        manifestsDir: i.manifestsDir ?? 'deploy',
        policiesDir: i.policiesDir ?? 'kyverno',
        e2eCommand: i.e2eCommand ?? 'npx playwright test',
        e2eShards: i.e2eShards ?? 3,
      };
      const selected = [...new Set(i.workflows ?? WORKFLOW_NAMES)];
      const files = selected.map(name => ({
        path: `.github/workflows/${name}`,
        content: WORKFLOW_GENERATORS[name](settings),
      }));
      if (selected.includes('iac-pr.yml')) {
        files.push({ path: '.platform/budgets.yaml', content: budgetsFile(settings) });
      }
      if (selected.includes('e2e.yml')) {
        files.push({ path: 'e2e/quarantine.json', content: `${JSON.stringify({ tests: [] }, null, 2)}\n` });
      }
      const written = await writeGeneratedFiles(ctx.workspacePath, i.targetPath ?? '.', files);
      ctx.logger.info(`Generated ${written.length} files${ctx.isDryRun ? ' (dry run)' : ''}`, {
        files: written.join(', '),
      });
      ctx.output('files', written);
    },
  });
}

function budgetsFile(s: PipelineSettings): string {
  const lines = [
    '# Monthly cost budgets per environment, in USD, checked by .github/workflows/iac-pr.yml.',
    '# pr_delta_usd: largest increase one pull request may add (hard fail)',
    '# absolute_usd: largest total monthly cost of the environment (hard fail)',
    '# approval_usd: increases above this need the finops-approved label',
    '# soft_fail_usd: increases above this only warn',
    'environments:',
  ];
  for (const env of s.environments) {
    const prod = /prod/.test(env);
    lines.push(
      `  ${env}:`,
      `    pr_delta_usd: ${prod ? 1000 : 250}`,
      `    absolute_usd: ${prod ? 20000 : 2000}`,
      `    approval_usd: ${prod ? 300 : 100}`,
      `    soft_fail_usd: ${prod ? 100 : 25}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
