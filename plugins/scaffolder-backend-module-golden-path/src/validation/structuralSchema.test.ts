import { validateStructural } from './structuralSchema';

const schema = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      required: ['port'],
      properties: {
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        month: { type: 'string', pattern: '^((?i)january|february)$' },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        mode: { type: 'string', enum: ['a', 'b'] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
        optional: { type: 'string' },
        list: { type: 'array', maxItems: 2, items: { type: 'string', minLength: 2 } },
      },
    },
  },
};

describe('validateStructural', () => {
  it('should accept a valid object using the Kubernetes extensions', () => {
    const value = {
      spec: {
        port: 'http',
        month: 'JANUARY',
        replicas: 3,
        mode: 'a',
        labels: { team: 'payments' },
        raw: { known: 'x', anything: { goes: [1, 2] } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
        optional: null,
        list: ['ab'],
      },
    };
    expect(validateStructural(schema, value, { strict: true })).toEqual([]);
  });

  it('should report every violation with its path', () => {
    const value = {
      spec: {
        port: 1.5,
        month: 'march',
        replicas: 0,
        mode: 'c',
        labels: { team: 7 },
        template: { spec: {}, extra: true },
        list: ['a', 'bb', 'cc'],
        typo: 1,
      },
    };
    expect(validateStructural(schema, value, { strict: true })).toEqual(
      expect.arrayContaining([
        { path: '/spec/port', message: 'must be integer or string' },
        { path: '/spec/month', message: 'must match pattern ^((?i)january|february)$' },
        { path: '/spec/replicas', message: 'must be >= 1' },
        { path: '/spec/mode', message: 'must be one of ["a","b"]' },
        { path: '/spec/labels/team', message: 'must be string' },
        { path: '/spec/template', message: 'unknown field "extra"' },
        { path: '/spec/list', message: 'must NOT have more than 2 items' },
        { path: '/spec/list/0', message: 'must NOT have fewer than 2 characters' },
        { path: '/spec', message: 'unknown field "typo"' },
      ]),
    );
    expect(validateStructural(schema, { spec: {} }, { strict: true })).toEqual([
      { path: '/spec', message: 'missing required field "port"' },
    ]);
  });

  it('should accept unknown fields when not strict', () => {
    expect(validateStructural(schema, { spec: { port: 80, typo: 1 } }, { strict: false })).toEqual([]);
  });
});
