import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `goldenpath:publish:local`, as the templates call it in air-gapped mode. */
export const examples: TemplateExample[] = [
  {
    description: 'Publish locally and register the component in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          name: 'Publish to a local git repository',
          action: 'goldenpath:publish:local',
          input: { repoName: '${{ parameters.name }}' },
        },
        {
          id: 'register',
          name: 'Register in the catalog',
          action: 'catalog:register',
          input: { catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}' },
        },
      ],
    }),
  },
  {
    description: 'Publish only the generated service folder on a custom branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          name: 'Publish to a local git repository',
          action: 'goldenpath:publish:local',
          input: {
            repoName: '${{ parameters.name }}',
            sourcePath: 'service',
            defaultBranch: 'trunk',
            commitMessage: 'Scaffold ${{ parameters.name }} from the golden path',
          },
        },
      ],
    }),
  },
];
