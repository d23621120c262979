import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs';
import request from 'supertest';
import { scaffolderModuleGoldenPath } from './module';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'golden-path-service', namespace: 'default' },
  spec: {
    owner: 'group:default/platform',
    type: 'service',
    parameters: [
      {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, costCenter: { type: 'string' } },
      },
    ],
    steps: [
      {
        id: 'pipelines',
        name: 'Pipelines',
        action: 'goldenpath:pipelines:generate',
        input: {
          repository: 'acme/${{ parameters.name }}',
          imageName: 'ghcr.io/acme/${{ parameters.name }}',
          entityRef: 'component:default/${{ parameters.name }}',
          goldenpathUrl: 'https://backstage.example.com',
          owner: 'group:default/platform',
          costCenter: '${{ parameters.costCenter }}',
          costCenters: ['${{ parameters.costCenter }}'],
        },
      },
      {
        id: 'policies',
        name: 'Policies',
        action: 'goldenpath:policies:generate',
        input: { repository: 'acme/${{ parameters.name }}', imageName: 'ghcr.io/acme/${{ parameters.name }}' },
      },
      {
        id: 'operator',
        name: 'Operator',
        action: 'goldenpath:operator:generate',
        input: { operatorImage: `ghcr.io/goldenpath/validator-operator@${DIGEST}` },
      },
      { id: 'validate', name: 'Validate', action: 'goldenpath:manifests:validate' },
      { id: 'publish', name: 'Publish', action: 'goldenpath:publish:local', input: { repoName: '${{ parameters.name }}' } },
    ],
    output: { links: [{ title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' }] },
  },
};

describe('golden-path module inside the real scaffolder', () => {
  it('should list the actions and dry-run a template that uses all five', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleGoldenPath,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: { goldenpath: { localPublish: { baseDir: '/tmp/goldenpath-never-written' } } } }),
      ],
    });
    const actions = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());
    expect(actions.status).toBe(200);
    const ids = actions.body.map((a: { id: string }) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'goldenpath:pipelines:generate',
        'goldenpath:policies:generate',
        'goldenpath:operator:generate',
        'goldenpath:manifests:validate',
        'goldenpath:publish:local',
      ]),
    );

    const dryRun = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template,
        values: { name: 'payments', costCenter: 'cc-1001' },
        secrets: { GOLDENPATH_TOKEN: 'gp-dry-run-secret-91c2' },
        directoryContents: [],
      });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.steps.map((s: { id: string; status?: string }) => s.id)).toEqual([
      'pipelines',
      'policies',
      'operator',
      'validate',
      'publish',
    ]);
    const paths = dryRun.body.directoryContents.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'kyverno/runtime-hardening/runtime-hardening.yaml', 'deploy/operator/crd.yaml']),
    );
    expect(dryRun.body.output.links[0].url).toMatch(/^file:\/\/\/tmp\/goldenpath-never-written\/payments$/);
    expect(fs.existsSync('/tmp/goldenpath-never-written')).toBe(false);
    const log = dryRun.body.log.map((l: { body: { message: string } }) => l.body.message).join('\n');
    expect(log).toMatch(/Validated \d+ of \d+ documents/);
    expect(JSON.stringify(dryRun.body)).not.toContain('gp-dry-run-secret-91c2');
  }, 120_000);
});
