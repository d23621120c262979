import type { SchemaViolation } from './strict';

type Schema = Record<string, unknown>;

const regexCache = new Map<string, { test(s: string): boolean }>();

/**
 * CRD patterns are Go RE2 syntax. JavaScript (Node 22) has no inline flags, so a `(?i)` group
 * makes the whole pattern case-insensitive — more lenient than the API server, never stricter.
 * A pattern JavaScript cannot compile at all is not enforced rather than failing the object.
 */
function goRegExp(pattern: string): { test(s: string): boolean } {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let p = pattern;
  let flags = 'u';
  if (p.includes('(?i)')) {
    p = p.split('(?i)').join('');
    flags += 'i';
  }
  let re: { test(s: string): boolean } = { test: () => true };
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      re = new RegExp(p, f);
      break;
    } catch {
      // try without the unicode flag
    }
  }
  regexCache.set(pattern, re);
  return re;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Validates a value against a Kubernetes structural schema (a CRD's `openAPIV3Schema`), the
 * way the API server does, by interpreting the schema instead of compiling it: Kubernetes CRDs
 * reach several hundred kilobytes (kube-prometheus), and compiling them with ajv took seconds each.
 *
 * Supported: `type`, `nullable`, `enum`, `properties`, `required`, `additionalProperties`,
 * `items`, string/number/array/object bounds, `pattern` (Go RE2, see above), `allOf`/`anyOf`/
 * `oneOf`/`not`, and the extensions `x-kubernetes-int-or-string`,
 * `x-kubernetes-preserve-unknown-fields` and `x-kubernetes-embedded-resource`. `format` and CEL
 * rules (`x-kubernetes-validations`) are not evaluated.
 *
 * With `strict`, fields not declared by an object schema are reported as `unknown field`
 * (the API server's `fieldValidation=Strict`). A `null` in a non-nullable field is accepted, as
 * the API server prunes it.
 * @public
 */
export function validateStructural(
  schema: Schema,
  value: unknown,
  options: { strict: boolean },
  path = '',
  out: SchemaViolation[] = [],
): SchemaViolation[] {
  const strict = options.strict;
  if (value === null || value === undefined) return out;

  if (schema['x-kubernetes-int-or-string'] === true) {
    const t = typeOf(value);
    if (t !== 'integer' && t !== 'string') {
      out.push({ path, message: 'must be integer or string' });
      return out;
    }
  } else if (typeof schema.type === 'string' && !typeMatches(schema.type, value)) {
    out.push({ path, message: `must be ${schema.type}` });
    return out;
  }

  if (Array.isArray(schema.enum)) {
    const key = JSON.stringify(value);
    if (!schema.enum.some(e => JSON.stringify(e) === key)) {
      out.push({ path, message: `must be one of ${JSON.stringify(schema.enum)}` });
    }
  }

  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) {
      out.push({ path, message: `must NOT have fewer than ${schema.minLength} characters` });
    }
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) {
      out.push({ path, message: `must NOT have more than ${schema.maxLength} characters` });
    }
    if (typeof schema.pattern === 'string' && !goRegExp(schema.pattern).test(value)) {
      out.push({ path, message: `must match pattern ${schema.pattern}` });
    }
  } else if (typeof value === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (typeof minimum === 'number' && (exclusiveMinimum === true ? value <= minimum : value < minimum)) {
      out.push({ path, message: `must be ${exclusiveMinimum === true ? '>' : '>='} ${minimum}` });
    }
    if (typeof maximum === 'number' && (exclusiveMaximum === true ? value >= maximum : value > maximum)) {
      out.push({ path, message: `must be ${exclusiveMaximum === true ? '<' : '<='} ${maximum}` });
    }
    if (typeof multipleOf === 'number' && multipleOf > 0 && Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9) {
      out.push({ path, message: `must be multiple of ${multipleOf}` });
    }
  } else if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      out.push({ path, message: `must NOT have fewer than ${schema.minItems} items` });
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      out.push({ path, message: `must NOT have more than ${schema.maxItems} items` });
    }
    if (schema.uniqueItems === true && new Set(value.map(v => JSON.stringify(v))).size !== value.length) {
      out.push({ path, message: 'must NOT have duplicate items' });
    }
    if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
      for (let i = 0; i < value.length; i++) {
        validateStructural(schema.items as Schema, value[i], options, `${path}/${i}`, out);
      }
    }
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? undefined) as Record<string, Schema> | undefined;
    if (Array.isArray(schema.required)) {
      for (const r of schema.required as string[]) {
        if (obj[r] === undefined) out.push({ path, message: `missing required field "${r}"` });
      }
    }
    const keys = Object.keys(obj);
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) {
      out.push({ path, message: `must NOT have fewer than ${schema.minProperties} properties` });
    }
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) {
      out.push({ path, message: `must NOT have more than ${schema.maxProperties} properties` });
    }
    const additional = schema.additionalProperties;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    for (const key of keys) {
      const child = props?.[key];
      const childPath = `${path}/${escapeKey(key)}`;
      if (child) {
        validateStructural(child, obj[key], options, childPath, out);
      } else if (additional && typeof additional === 'object') {
        validateStructural(additional as Schema, obj[key], options, childPath, out);
      } else if (additional === false) {
        out.push({ path, message: `unknown field "${key}"` });
      } else if (
        strict &&
        props &&
        !preserve &&
        additional !== true &&
        !(embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata'))
      ) {
        out.push({ path, message: `unknown field "${key}"` });
      }
    }
  }

  if (Array.isArray(schema.allOf)) {
    for (const s of schema.allOf as Schema[]) validateStructural(s, value, { strict: false }, path, out);
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Schema[]).some(s => validateStructural(s, value, { strict: false }, path).length === 0);
    if (!ok) out.push({ path, message: 'must match a schema in anyOf' });
  }
  if (Array.isArray(schema.oneOf)) {
    const n = (schema.oneOf as Schema[]).filter(s => validateStructural(s, value, { strict: false }, path).length === 0).length;
    if (n !== 1) out.push({ path, message: 'must match exactly one schema in oneOf' });
  }
  if (schema.not && typeof schema.not === 'object') {
    if (validateStructural(schema.not as Schema, value, { strict: false }, path).length === 0) {
      out.push({ path, message: 'must NOT be valid against the "not" schema' });
    }
  }
  return out;
}
