import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { ModelRegistry } from './modelRegistry';
import { validateWithSchema } from './strict';

const ajv = new Ajv({ allErrors: true, strict: false });

function deployment(podSpec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
    },
  };
}

describe('validateWithSchema', () => {
  it('should report unknown fields inside arrays and arrays of arrays with their JSON pointers', () => {
    const validate = ajv.compile({
      type: 'object',
      properties: {
        'a/b': {
          type: 'array',
          items: { type: 'array', items: { type: 'object', properties: { x: { type: 'integer' } } } },
        },
        tags: { type: 'array', items: { type: 'string' } },
      },
    });
    const value = { 'a/b': [[{ x: 1 }], [{ x: 2, y: 3 }]], tags: ['a'], extra: true };
    expect(validateWithSchema(validate, value, { strict: true })).toEqual([
      { path: '', message: 'unknown field "extra"' },
      { path: '/a~1b/1/0', message: 'unknown field "y"' },
    ]);
    expect(validateWithSchema(validate, value, { strict: false })).toEqual([]);
  });

  it('should skip unknown fields below a type error and in maps', () => {
    const validate = ajv.compile({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { size: { type: 'integer' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
    expect(
      validateWithSchema(validate, { spec: { size: 'big', colour: 'red' }, labels: { any: 'x' } }, { strict: true }),
    ).toEqual([{ path: '/spec/size', message: 'must be integer' }, { path: '/spec', message: 'unknown field "colour"' }]);
    expect(validateWithSchema(validate, { spec: [{ colour: 'red' }] }, { strict: true })).toEqual([
      { path: '/spec', message: 'must be object' },
    ]);
  });

  it('should let the validator see inherited properties of objects that are not plain', () => {
    const validate = ajv.compile({
      type: 'object',
      required: ['inherited'],
      properties: { inherited: { type: 'integer' } },
    });
    const value = Object.create({ inherited: 1 });
    value.own = 2;
    expect(validateWithSchema(validate, value, { strict: true })).toEqual([{ path: '', message: 'unknown field "own"' }]);
  });

  it('should give the same violations in the same order once the shapes are learned', () => {
    const validate = ModelRegistry.shared().get('apps/v1', 'Deployment')!;
    const container = { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] };
    const learnFrom = deployment({ containers: [container] });
    const probe = deployment({
      containers: [
        { ...container, imagePullPolicie: 'Always' },
        { ...container, name: 'side', ports: [{ containerPort: 81, hostPot: 1 }] },
      ],
      restartPolicyy: 'Always',
    });
    const tracked = validateWithSchema(validate, probe, { strict: true });
    expect(tracked).toEqual([
      { path: '/spec/template/spec', message: 'unknown field "restartPolicyy"' },
      { path: '/spec/template/spec/containers/0', message: 'unknown field "imagePullPolicie"' },
      { path: '/spec/template/spec/containers/1/ports/0', message: 'unknown field "hostPot"' },
    ]);
    expect(validateWithSchema(validate, learnFrom, { strict: true, learnShapes: true })).toEqual([]);
    expect(validateWithSchema(validate, probe, { strict: true, learnShapes: true })).toEqual(tracked);
    expect(validateWithSchema(validate, probe, { strict: true, learnShapes: true })).toEqual(tracked);
  });

  it('should still find unknown fields in parts no earlier object had', () => {
    const validate = ModelRegistry.shared().get('v1', 'Pod')!;
    const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
    const container = { name: 'app', image: 'nginx:1.27' };
    expect(validateWithSchema(validate, pod({ containers: [container] }), { strict: true, learnShapes: true })).toEqual([]);
    expect(validateWithSchema(validate, pod({ containers: [container] }), { strict: true, learnShapes: true })).toEqual([]);
    const deeper = pod({
      containers: [{ ...container, securityContext: { runAsNonRoot: true, capabilites: { drop: ['ALL'] } } }],
      volumes: [{ name: 'v', emptyDir: { medium: 'Memory', sizeLimitt: '1Gi' } }],
    });
    expect(validateWithSchema(validate, deeper, { strict: true, learnShapes: true })).toEqual([
      { path: '/spec/containers/0/securityContext', message: 'unknown field "capabilites"' },
      { path: '/spec/volumes/0/emptyDir', message: 'unknown field "sizeLimitt"' },
    ]);
    expect(validateWithSchema(validate, deeper, { strict: true, learnShapes: true })).toEqual(
      validateWithSchema(validate, deeper, { strict: true }),
    );
  });

  it('should not learn from invalid objects', () => {
    // A validator that stops at the first error reads fewer fields of an invalid object:
    // learning from that would call `b` unknown on every later valid object.
    const validate = new Ajv({ allErrors: false, strict: false }).compile({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
    });
    expect(validateWithSchema(validate, { a: 'x', b: 1 }, { strict: true, learnShapes: true })).toEqual([
      { path: '/a', message: 'must be integer' },
      { path: '', message: 'unknown field "b"' },
    ]);
    expect(validateWithSchema(validate, { a: 1, b: 2 }, { strict: true, learnShapes: true })).toEqual([]);
    expect(validateWithSchema(validate, { a: 1, b: 2, c: 3 }, { strict: true, learnShapes: true })).toEqual([
      { path: '', message: 'unknown field "c"' },
    ]);
  });

  it('should only be asked to learn from model validators whose reads cannot depend on the data', () => {
    // learnShapes assumes generated code that reports every error (no early return) and has no
    // anyOf/oneOf/if/dependencies over objects; the only junctors in the installed model
    // packages are the scalar IntOrString and Quantity.
    const dataDependent = /schemaPath:"#\/(anyOf|oneOf|if|not|dependencies|dependentSchemas|dependentRequired|patternProperties|propertyNames|unevaluatedProperties|contains|uniqueItems|discriminator)"/;
    const stopsAtFirstError = /\.errors=\[\{/;
    const offenders: string[] = [];
    for (const pkg of ['kubernetes-models', '@kubernetes-models/apimachinery', '@kubernetes-models/kyverno', '@kubernetes-models/argo-cd', '@kubernetes-models/argo-rollouts', '@kubernetes-models/external-secrets']) {
      const dir = require.resolve.paths(pkg)!.map(p => path.join(p, pkg, '_schemas')).find(p => fs.existsSync(p));
      expect({ pkg, found: Boolean(dir) }).toEqual({ pkg, found: true });
      for (const file of fs.readdirSync(dir!).filter(f => f.endsWith('.js'))) {
        const code = fs.readFileSync(path.join(dir!, file), 'utf8');
        expect({ file, stopsAtFirstError: stopsAtFirstError.test(code) }).toEqual({ file, stopsAtFirstError: false });
        if (dataDependent.test(code)) offenders.push(file);
      }
    }
    expect(offenders.sort()).toEqual([
      'IoK8sApimachineryPkgApiResourceQuantity.js',
      'IoK8sApimachineryPkgUtilIntstrIntOrString.js',
    ]);
  });
});
