import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `goldenpath:policies:generate`, as the golden-path-service template calls it. */
export const examples: TemplateExample[] = [
  {
    description: 'Generate the policies in Audit mode with the service namespaces',
    example: yaml.stringify({
      steps: [
        {
          id: 'policies',
          name: 'Generate Kyverno policies',
          action: 'goldenpath:policies:generate',
          input: {
            repository: '${{ parameters.repoOwner }}/${{ parameters.name }}',
            imageName: 'ghcr.io/${{ parameters.repoOwner }}/${{ parameters.name }}',
            namespaces: [
              { name: '${{ parameters.name }}-staging', podSecurity: 'restricted' },
              { name: '${{ parameters.name }}-prod', podSecurity: 'restricted' },
            ],
            digestPinnedNamespaces: ['${{ parameters.name }}-staging', '${{ parameters.name }}-prod'],
          },
        },
      ],
    }),
  },
  {
    description: 'Enforce the policies, allowing a vetted sidecar registry',
    example: yaml.stringify({
      steps: [
        {
          id: 'policies',
          name: 'Generate enforced Kyverno policies',
          action: 'goldenpath:policies:generate',
          input: {
            repository: 'acme/payments',
            imageName: 'ghcr.io/acme/payments',
            enforce: '${{ parameters.enforcePolicies }}',
            allowedImagePrefixes: ['ghcr.io/acme/sidecars/*'],
          },
        },
      ],
    }),
  },
];
