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

const hasOwn = Object.prototype.hasOwnProperty;

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The proxy handler of one object or array met by a generated validator, and what the
 * validator did with it. One instance per wrapped value, so the traps are prototype methods
 * and the per-object state lives in fields (no closures, no per-object `Map` unless the
 * validator descends into a child). The JSON-pointer path is only built when an error is
 * reported, from the parent chain.
 */
class Tracker implements ProxyHandler<Record<string, unknown>> {
  /** Keys the validator read (get or `in`) that hold a value. */
  read: Set<string> | undefined = undefined;
  /** Whether the validator read any key at all, present or not. */
  touched = false;
  /** Whether the validator enumerated the keys (a map: `additionalProperties`). */
  enumerated: boolean;
  /** Proxies already handed out for child objects, so a repeated read tracks one child. */
  #children: Map<string, unknown> | undefined = undefined;
  #path: string | undefined;

  constructor(
    readonly value: Record<string, unknown>,
    readonly parent: Tracker | undefined,
    readonly key: string,
    readonly isArray: boolean,
    readonly all: Tracker[],
  ) {
    this.enumerated = isArray;
    this.#path = parent ? undefined : '';
  }

  /** JSON pointer of the value inside the validated object, e.g. `/spec/template`. */
  get path(): string {
    if (this.#path === undefined) {
      this.#path = `${this.parent!.path}/${escapePointer(this.key)}`;
    }
    return this.#path;
  }

  get(target: Record<string, unknown>, key: string | symbol): unknown {
    const v = target[key as string];
    if (typeof key !== 'string') return v;
    if (!this.isArray) {
      this.touched = true;
      if (v !== undefined && hasOwn.call(target, key)) (this.read ??= new Set()).add(key);
    }
    if (v === null || typeof v !== 'object') return v;
    const children = (this.#children ??= new Map());
    let child = children.get(key);
    if (child === undefined) {
      child = wrap(v as Record<string, unknown>, this, key, this.all);
      children.set(key, child);
    }
    return child;
  }

  has(target: Record<string, unknown>, key: string | symbol): boolean {
    const present = key in target;
    if (typeof key === 'string' && !this.isArray) {
      this.touched = true;
      if (present && hasOwn.call(target, key)) (this.read ??= new Set()).add(key);
    }
    return present;
  }

  ownKeys(target: Record<string, unknown>): ArrayLike<string | symbol> {
    this.enumerated = true;
    return Reflect.ownKeys(target);
  }
}

function wrap(
  value: Record<string, unknown>,
  parent: Tracker | undefined,
  key: string,
  all: Tracker[],
): unknown {
  const isArray = Array.isArray(value);
  const tracker = new Tracker(value, parent, key, isArray, all);
  if (!isArray) all.push(tracker);
  return new Proxy(value, tracker);
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
  if (object === null || typeof object !== 'object') {
    return validate(object) ? [] : formatValidationErrors(validate.errors);
  }
  const tracked: Tracker[] = [];
  const ok = validate(wrap(object as Record<string, unknown>, undefined, '', tracked));
  const violations = ok ? [] : formatValidationErrors(validate.errors);
  const errorPaths = violations.map(v => v.path).filter(p => p !== '');
  for (const t of tracked) {
    // Never read: a free-form object (x-kubernetes-preserve-unknown-fields) or below a type error.
    if (t.enumerated || !t.touched) continue;
    const keys = Object.keys(t.value);
    if (t.read !== undefined && t.read.size === keys.length) continue;
    let unknown: string[] | undefined;
    for (const key of keys) {
      if (t.read?.has(key) || t.value[key] === undefined || droppedByGenerator(key)) continue;
      (unknown ??= []).push(key);
    }
    if (!unknown) continue;
    const p = t.path;
    if (errorPaths.some(ep => p === ep || p.startsWith(`${ep}/`))) continue;
    for (const key of unknown) violations.push({ path: p, message: `unknown field "${key}"` });
  }
  return violations;
}
