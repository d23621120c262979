import type { CompiledValidateFunction } from './modelRegistry';

/**
 * One schema violation, with a JSON-pointer-like path into the validated object.
 * @public
 */
export interface SchemaViolation {
  /** Path into the object, e.g. `/spec/template/spec/containers/0/image`; empty for the root. */
  path: string;
  /** Human-readable message, e.g. `must be integer` or `unknown field "bogus"`. */
  message: string;
}

type Tracked = {
  path: string;
  value: Record<string, unknown>;
  read: Set<string>;
  enumerated: boolean;
};

/**
 * Property names the kubernetes-models generator drops from its schemas, so its validators
 * never read them although the Kubernetes API declares them: every `description` key
 * (including `JSONSchemaProps.description` and `CustomResourceColumnDefinition.description`)
 * and every `x-kubernetes-*` key of `JSONSchemaProps` (`x-kubernetes-validations`,
 * `x-kubernetes-int-or-string`, `x-kubernetes-list-type`, ...). Treated as known.
 */
function droppedByGenerator(key: string): boolean {
  return key === 'description' || key.startsWith('x-kubernetes-');
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Wraps `root` in read-tracking proxies. A generated validator reads every property its
 * schema declares (`data.x !== undefined`), enumerates the keys of maps
 * (`additionalProperties`), and never touches free-form objects
 * (`x-kubernetes-preserve-unknown-fields`). What it never read was unknown to the schema.
 */
function track(root: unknown): { proxy: unknown; tracked: Tracked[] } {
  const tracked: Tracked[] = [];
  const wrap = (value: unknown, p: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const isArray = Array.isArray(value);
    const info: Tracked = {
      path: p,
      value: value as Record<string, unknown>,
      read: new Set(),
      enumerated: isArray,
    };
    tracked.push(info);
    const children = new Map<string, unknown>();
    return new Proxy(value as object, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return v;
        info.read.add(key);
        if (v === null || typeof v !== 'object') return v;
        let child = children.get(key);
        if (child === undefined) {
          child = wrap(v, `${p}/${escapePointer(key)}`);
          children.set(key, child);
        }
        return child;
      },
      has(target, key) {
        if (typeof key === 'string') info.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        info.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  return { proxy: wrap(root, ''), tracked };
}

function formatError(e: NonNullable<CompiledValidateFunction['errors']>[number]): SchemaViolation {
  const params = e.params ?? {};
  switch (e.keyword) {
    case 'required':
      return {
        path: e.instancePath,
        message: `missing required field "${String(params.missingProperty)}"`,
      };
    case 'type':
      return { path: e.instancePath, message: `must be ${String(params.type)}` };
    case 'enum':
      return {
        path: e.instancePath,
        message: `must be one of ${JSON.stringify(params.allowedValues)}`,
      };
    case 'pattern':
      return {
        path: e.instancePath,
        message: `must match pattern ${String(params.pattern)}`,
      };
    case 'additionalProperties':
      return {
        path: e.instancePath,
        message: `unknown field "${String(params.additionalProperty)}"`,
      };
    default:
      return {
        path: e.instancePath,
        message:
          e.message ??
          `violates "${e.keyword}"${
            Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''
          }`,
      };
  }
}

/**
 * Converts ajv errors into {@link SchemaViolation}s, dropping the generic `anyOf`/`oneOf`
 * summary entries when a more specific error exists, and de-duplicating.
 * @public
 */
export function formatValidationErrors(
  errors: CompiledValidateFunction['errors'],
): SchemaViolation[] {
  if (!errors?.length) return [];
  const specific = errors.filter(
    e => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if',
  );
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const e of specific.length ? specific : errors) {
    const v = formatError(e);
    const k = `${v.path}\u0000${v.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/**
 * Runs a generated validator and, when `strict`, also reports fields the schema does not
 * declare — the equivalent of the API server's `fieldValidation=Strict` (kubectl's default),
 * which the generated validators alone do not check because Kubernetes schemas omit
 * `additionalProperties: false`.
 *
 * Unknown-field detection is skipped below a schema violation's path, so a wrong type is
 * reported once rather than as a cascade.
 * @public
 */
export function validateWithSchema(
  validate: CompiledValidateFunction,
  object: unknown,
  options: { strict: boolean },
): SchemaViolation[] {
  if (!options.strict) {
    return validate(object) ? [] : formatValidationErrors(validate.errors);
  }
  const { proxy, tracked } = track(object);
  const ok = validate(proxy);
  const violations = ok ? [] : formatValidationErrors(validate.errors);
  const errorPaths = violations.map(v => v.path);
  for (const t of tracked) {
    if (t.enumerated || t.read.size === 0) continue;
    if (errorPaths.some(ep => ep !== '' && (t.path === ep || t.path.startsWith(`${ep}/`)))) {
      continue;
    }
    for (const key of Object.keys(t.value)) {
      if (!t.read.has(key) && !droppedByGenerator(key)) {
        violations.push({ path: t.path, message: `unknown field "${key}"` });
      }
    }
  }
  return violations;
}
