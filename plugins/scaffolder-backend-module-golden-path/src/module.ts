import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createManifestsValidateAction,
  createOperatorGenerateAction,
  createPipelinesGenerateAction,
  createPoliciesGenerateAction,
  createPublishLocalAction,
} from './actions';

/**
 * Registers the Goldenpath scaffolder actions: `goldenpath:pipelines:generate`,
 * `goldenpath:policies:generate`, `goldenpath:operator:generate`,
 * `goldenpath:manifests:validate` and `goldenpath:publish:local`.
 * @public
 */
export const scaffolderModuleGoldenPath = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-path',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        scaffolder.addActions(
          createPipelinesGenerateAction(),
          createPoliciesGenerateAction(),
          createOperatorGenerateAction(),
          createManifestsValidateAction(),
          createPublishLocalAction({ config }),
        );
      },
    });
  },
});
