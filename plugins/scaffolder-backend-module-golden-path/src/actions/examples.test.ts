import { mockServices } from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import {
  createManifestsValidateAction,
  createOperatorGenerateAction,
  createPipelinesGenerateAction,
  createPoliciesGenerateAction,
  createPublishLocalAction,
} from '.';
import { validateActionInput } from '../__testUtils__';

const actions: TemplateAction<any, any, any>[] = [
  createPipelinesGenerateAction(),
  createPoliciesGenerateAction(),
  createOperatorGenerateAction(),
  createManifestsValidateAction(),
  createPublishLocalAction({ config: mockServices.rootConfig() }),
];

/** Replaces template expressions with a value that satisfies the field, as the scaffolder would render it. */
function render(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^\$\{\{ parameters\.enforcePolicies \}\}$/.test(value)) return true;
    if (/^\$\{\{ parameters\.nodeImage \}\}$/.test(value)) return `docker.io/parity/polkadot@sha256:${'e'.repeat(64)}`;
    if (/^\$\{\{ parameters\.owner \}\}$/.test(value)) return 'group:default/payments';
    return value.replace(/\$\{\{ [^}]+ \}\}/g, 'payments');
  }
  if (Array.isArray(value)) return value.map(render);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
  }
  return value;
}

describe('action examples', () => {
  it('should show realistic template steps whose rendered input passes the action schema', () => {
    for (const action of actions) {
      expect(action.examples?.length).toBeGreaterThanOrEqual(2);
      for (const example of action.examples ?? []) {
        const doc = yaml.parse(example.example);
        const steps = doc.steps.filter((s: any) => s.action === action.id);
        expect({ id: action.id, steps: steps.length }).toEqual({ id: action.id, steps: 1 });
        expect(steps[0].id).toMatch(/^[a-z-]+$/);
        expect({ id: action.id, example: example.description, errors: validateActionInput(action, render(steps[0].input)) }).toEqual({
          id: action.id,
          example: example.description,
          errors: [],
        });
      }
    }
  });
});
