import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `goldenpath:manifests:validate`, as the golden-path templates call it. */
export const examples: TemplateExample[] = [
  {
    description: 'Validate everything the template generated before publishing it',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          name: 'Validate manifests, workflows and catalog-info.yaml',
          action: 'goldenpath:manifests:validate',
          input: {},
        },
      ],
    }),
  },
  {
    description: 'Validate only the deploy folder, failing on kinds without a known schema',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate-deploy',
          name: 'Validate Kubernetes manifests',
          action: 'goldenpath:manifests:validate',
          input: {
            path: '${{ parameters.deployPath }}',
            strict: true,
            failOnUnknownKinds: true,
          },
        },
      ],
    }),
  },
];
