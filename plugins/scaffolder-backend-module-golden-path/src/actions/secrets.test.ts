import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { createCapturingLogger, createTempDir, listFiles } from '../__testUtils__';
import {
  createManifestsValidateAction,
  createOperatorGenerateAction,
  createPipelinesGenerateAction,
  createPoliciesGenerateAction,
  createPublishLocalAction,
} from '.';

const SECRET = 'gp-s3cr3t-token-4f7a9c';

describe('secret handling', () => {
  it('should never write task secrets to the logs or into generated files', async () => {
    const workspacePath = createTempDir();
    const baseDir = createTempDir();
    const logger = createCapturingLogger();
    const secrets = { GOLDENPATH_TOKEN: SECRET, INFRACOST_API_KEY: SECRET, PREVIEW_KUBECONFIG: SECRET };
    const digest = `sha256:${'f'.repeat(64)}`;
    const steps: Array<[{ handler(ctx: any): Promise<void> }, Record<string, unknown>]> = [
      [
        createPipelinesGenerateAction(),
        {
          repository: 'acme/payments',
          imageName: 'ghcr.io/acme/payments',
          entityRef: 'component:default/payments',
          goldenpathUrl: 'https://backstage.example.com',
          owner: 'group:default/payments',
          costCenter: 'cc-1',
          costCenters: ['cc-1'],
        },
      ],
      [createPoliciesGenerateAction(), { repository: 'acme/payments', imageName: 'ghcr.io/acme/payments' }],
      [createOperatorGenerateAction(), { operatorImage: `ghcr.io/goldenpath/op@${digest}` }],
      [createManifestsValidateAction(), {}],
      [
        createPublishLocalAction({ config: mockServices.rootConfig({ data: { goldenpath: { localPublish: { baseDir } } } }) }),
        { repoName: 'payments' },
      ],
    ];
    for (const [action, input] of steps) {
      await action.handler(createMockActionContext({ input: input as any, workspacePath, logger, secrets }));
    }
    expect(logger.lines.length).toBeGreaterThan(4);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    for (const file of listFiles(workspacePath)) {
      expect(fs.readFileSync(path.join(workspacePath, file), 'utf8')).not.toContain(SECRET);
    }
    const ci = fs.readFileSync(path.join(workspacePath, '.github/workflows/iac-pr.yml'), 'utf8');
    expect(ci).toContain('${{ secrets.GOLDENPATH_TOKEN }}');
    fs.rmSync(workspacePath, { recursive: true, force: true });
    fs.rmSync(baseDir, { recursive: true, force: true });
  }, 60_000);
});
