import { validatorNodeCrd } from './crd';
import {
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_KIND,
  VALIDATOR_NODE_PHASES,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_RECOVERY_STRATEGIES,
  VALIDATOR_NODE_ROLES,
  VALIDATOR_NODE_VERSION,
} from './types';

type S = Record<string, any>;
const version = validatorNodeCrd.spec.versions[0];
const root = version.schema.openAPIV3Schema as S;
const spec = root.properties.spec;
const status = root.properties.status;

function walk(schema: S, visit: (s: S, path: string) => void, path = '') {
  visit(schema, path);
  for (const [k, v] of Object.entries<S>(schema.properties ?? {})) walk(v, visit, `${path}.${k}`);
  if (schema.items) walk(schema.items, visit, `${path}[]`);
}

describe('validatorNodeCrd', () => {
  it('should name, serve and store validatornodes.validators.goldenpath.dev/v1alpha1 with a status subresource', () => {
    expect(validatorNodeCrd.metadata.name).toBe(`${VALIDATOR_NODE_PLURAL}.${VALIDATOR_NODE_GROUP}`);
    expect(validatorNodeCrd.spec.names.kind).toBe(VALIDATOR_NODE_KIND);
    expect(validatorNodeCrd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: VALIDATOR_NODE_VERSION, served: true, storage: true, subresources: { status: {} } });
  });

  it('should keep enums in line with the TypeScript types', () => {
    expect(spec.properties.role.enum).toEqual([...VALIDATOR_NODE_ROLES]);
    expect(spec.properties.syncPolicy.properties.recoveryStrategy.enum).toEqual([...VALIDATOR_NODE_RECOVERY_STRATEGIES]);
    expect(status.properties.phase.enum).toEqual([...VALIDATOR_NODE_PHASES]);
  });

  it('should have defaults that satisfy their own enums and bounds', () => {
    let checked = 0;
    const violations: string[] = [];
    walk(root, (s, path) => {
      if (s.default === undefined || typeof s.default === 'object') return;
      checked += 1;
      if (s.enum && !s.enum.includes(s.default)) violations.push(`${path}: default not in enum`);
      if (s.minimum !== undefined && s.default < s.minimum) violations.push(`${path}: default below minimum`);
      if (s.maximum !== undefined && s.default > s.maximum) violations.push(`${path}: default above maximum`);
      if (s.pattern && !new RegExp(s.pattern).test(s.default)) violations.push(`${path}: default does not match pattern`);
    });
    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('should accept only digest-pinned images', () => {
    const pattern = new RegExp(spec.properties.image.pattern);
    expect(pattern.test(`docker.io/parity/polkadot@sha256:${'0'.repeat(64)}`)).toBe(true);
    expect(pattern.test('docker.io/parity/polkadot:v1.15.0')).toBe(false);
    expect(pattern.test(`docker.io/parity/polkadot@sha256:${'0'.repeat(63)}`)).toBe(false);
    expect(spec.required).toEqual(['chain', 'image']);
  });

  it('should point every printer column at a field of the schema', () => {
    for (const column of version.additionalPrinterColumns ?? []) {
      if (column.jsonPath.startsWith('.metadata.')) continue;
      let node: S | undefined = root;
      for (const part of column.jsonPath.split('.').slice(1)) node = node?.properties?.[part];
      expect({ column: column.name, found: node !== undefined }).toEqual({ column: column.name, found: true });
    }
  });
});
