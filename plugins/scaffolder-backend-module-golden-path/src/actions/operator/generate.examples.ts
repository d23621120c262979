import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `goldenpath:operator:generate`, as the validator-node template calls it. */
export const examples: TemplateExample[] = [
  {
    description: 'Operator plus a validator node from the template parameters',
    example: yaml.stringify({
      steps: [
        {
          id: 'operator',
          name: 'Generate the validator operator and node',
          action: 'goldenpath:operator:generate',
          input: {
            operatorImage:
              'ghcr.io/goldenpath/validator-operator@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
            node: {
              name: '${{ parameters.name }}',
              namespace: '${{ parameters.namespace }}',
              network: '${{ parameters.network }}',
              role: 'validator',
              image: '${{ parameters.nodeImage }}',
              hotKeySecretName: '${{ parameters.name }}-keystore',
              storageSize: '1Ti',
              storageClassName: 'premium-rwo',
              maxBlockLag: 20,
              recoveryStrategy: 'snapshot-restore',
              analyticsEndpoint: 'http://clickhouse.analytics:8123',
            },
          },
        },
      ],
    }),
  },
  {
    description: 'Only the operator, in its own namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'operator',
          name: 'Generate the validator operator',
          action: 'goldenpath:operator:generate',
          input: {
            operatorImage:
              'ghcr.io/goldenpath/validator-operator@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
            operatorNamespace: 'validators-system',
            replicas: 3,
          },
        },
      ],
    }),
  },
];
