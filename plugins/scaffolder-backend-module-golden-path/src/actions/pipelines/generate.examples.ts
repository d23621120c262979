import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `goldenpath:pipelines:generate`, as the golden-path-service template calls it. */
export const examples: TemplateExample[] = [
  {
    description: 'Generate every workflow for a new service',
    example: yaml.stringify({
      steps: [
        {
          id: 'pipelines',
          name: 'Generate signed pipelines',
          action: 'goldenpath:pipelines:generate',
          input: {
            repository: '${{ parameters.repoOwner }}/${{ parameters.name }}',
            imageName: 'ghcr.io/${{ parameters.repoOwner }}/${{ parameters.name }}',
            entityRef: 'component:default/${{ parameters.name }}',
            goldenpathUrl: 'https://backstage.example.com',
            owner: '${{ parameters.owner }}',
            costCenter: '${{ parameters.costCenter }}',
            costCenters: ['cc-1001', 'cc-2002', '${{ parameters.costCenter }}'],
          },
        },
      ],
    }),
  },
  {
    description: 'Only CI and secret scanning, for a library without infrastructure',
    example: yaml.stringify({
      steps: [
        {
          id: 'pipelines',
          name: 'Generate CI',
          action: 'goldenpath:pipelines:generate',
          input: {
            repository: 'acme/payments-lib',
            imageName: 'ghcr.io/acme/payments-lib',
            entityRef: 'component:default/payments-lib',
            goldenpathUrl: 'https://backstage.example.com',
            owner: 'group:default/payments',
            costCenter: 'cc-1001',
            costCenters: ['cc-1001'],
            workflows: ['ci.yml', 'secret-scan.yml'],
            testCommand: 'yarn test --coverage',
          },
        },
      ],
    }),
  },
];
