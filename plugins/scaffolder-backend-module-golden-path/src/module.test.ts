import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint, TemplateAction } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleGoldenPath } from './module';

describe('scaffolderModuleGoldenPath', () => {
  it('should register the five golden-path actions with dry-run support', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      extensionPoints: [
        [scaffolderActionsExtensionPoint, { addActions: (...a: TemplateAction<any, any, any>[]) => actions.push(...a) }],
      ],
      features: [
        scaffolderModuleGoldenPath,
        mockServices.rootConfig.factory({ data: { goldenpath: { localPublish: { baseDir: '/tmp/gp-repos' } } } }),
      ],
    });
    expect(actions.map(a => a.id).sort()).toEqual([
      'goldenpath:manifests:validate',
      'goldenpath:operator:generate',
      'goldenpath:pipelines:generate',
      'goldenpath:policies:generate',
      'goldenpath:publish:local',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.description).toBeTruthy();
      expect(action.examples?.length).toBeGreaterThan(0);
      const input = action.schema?.input as { properties?: Record<string, { description?: string }> };
      for (const [key, prop] of Object.entries(input.properties ?? {})) {
        expect({ key, description: prop.description }).toEqual({ key, description: expect.any(String) });
      }
    }
  });
});
