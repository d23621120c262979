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
const objectPrototype = Object.prototype;
/**
 * What a plain object inherits. A name missing here reads as `undefined` on a plain object
 * without the prototype lookup (a property added to Object.prototype later is not data).
 */
const inheritedNames = new Set<string>(Object.getOwnPropertyNames(objectPrototype));

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Where a tracked value sits: its JSON pointer is built only when an error is reported. */
interface PathNode {
  readonly parent: PathNode | undefined;
  /** Key in the parent object, or index in the parent array. */
  readonly key: string;
  readonly path: string;
}

/** An array met by the validator, so its elements' paths read `/containers/0`. */
class ArraySegment implements PathNode {
  #path: string | undefined = undefined;

  constructor(
    readonly parent: PathNode | undefined,
    readonly key: string,
  ) {}

  get path(): string {
    if (this.#path === undefined) {
      this.#path = this.parent ? `${this.parent.path}/${escapePointer(this.key)}` : '';
    }
    return this.#path;
  }
}

/** The trackers of one {@link validateWithSchema} call (validation is synchronous). */
let tracked: Tracker[] = [];

/**
 * The proxy handler of one object met by a generated validator, and what the validator did
 * with it. One instance per wrapped object, so the traps are prototype methods and the
 * per-object state lives in fields (no closures, no per-object `Set` or `Map`). Arrays are not
 * proxied: the validator gets a copy whose object elements are wrapped (see {@link wrapArray}),
 * so reading `length` and elements costs no trap.
 */
class Tracker implements ProxyHandler<Record<string, unknown>>, PathNode {
  /**
   * String keys the validator read (get or `in`), present or not; a repeated read of the same
   * key in a row is recorded once. Few keys per object, so a short array beats a `Set`.
   */
  reads: string[] | undefined = undefined;
  /** Whether the validator read any key at all, present or not. */
  touched = false;
  /** Whether the validator enumerated the keys (a map: `additionalProperties`). */
  enumerated = false;
  /** Child key and wrapped child, alternating, so a repeated read tracks one child. */
  #children: unknown[] | undefined = undefined;
  #path: string | undefined = undefined;
  /** Whether the object inherits from Object.prototype or nothing (parsed YAML and JSON do). */
  readonly plain: boolean;

  constructor(
    readonly value: Record<string, unknown>,
    readonly parent: PathNode | undefined,
    readonly key: string,
  ) {
    const proto = Object.getPrototypeOf(value);
    this.plain = proto === objectPrototype || proto === null;
  }

  /** JSON pointer of the value inside the validated object, e.g. `/spec/template`. */
  get path(): string {
    if (this.#path === undefined) {
      this.#path = this.parent ? `${this.parent.path}/${escapePointer(this.key)}` : '';
    }
    return this.#path;
  }

  #read(key: string): void {
    const reads = this.reads;
    if (reads === undefined) this.reads = [key];
    else if (reads[reads.length - 1] !== key) reads.push(key);
  }

  get(target: Record<string, unknown>, key: string | symbol): unknown {
    if (typeof key !== 'string') return target[key as unknown as string];
    this.touched = true;
    this.#read(key);
    // Most reads are of declared fields the object does not have.
    if (!hasOwn.call(target, key)) {
      // Looking a missing key up the prototype chain is the costly part of a read; plain
      // parsed objects only inherit Object.prototype's properties.
      return this.plain && !inheritedNames.has(key) ? undefined : target[key];
    }
    const v = target[key];
    if (v === null || typeof v !== 'object') return v;
    return this.#child(key, v);
  }

  has(target: Record<string, unknown>, key: string | symbol): boolean {
    if (typeof key === 'string') {
      this.touched = true;
      this.#read(key);
    }
    return key in target;
  }

  ownKeys(target: Record<string, unknown>): ArrayLike<string | symbol> {
    this.enumerated = true;
    return Reflect.ownKeys(target);
  }

  #child(key: string, value: object): unknown {
    const children = this.#children;
    if (children !== undefined) {
      for (let i = 0; i < children.length; i += 2) {
        if (children[i] === key) return children[i + 1];
      }
    }
    const child = Array.isArray(value)
      ? wrapArray(value, new ArraySegment(this, key))
      : wrapObject(value as Record<string, unknown>, this, key);
    if (children === undefined) this.#children = [key, child];
    else children.push(key, child);
    return child;
  }

  /** Own keys holding a value that the validator never read, in key order, or `undefined`. */
  unreadKeys(): string[] | undefined {
    const value = this.value;
    const reads = this.reads;
    let unknown: string[] | undefined;
    for (const key in value) {
      if (
        !hasOwn.call(value, key) ||
        value[key] === undefined ||
        (reads !== undefined && reads.includes(key)) ||
        droppedByGenerator(key)
      ) {
        continue;
      }
      (unknown ??= []).push(key);
    }
    return unknown;
  }
}

function wrapObject(
  value: Record<string, unknown>,
  parent: PathNode | undefined,
  key: string,
): unknown {
  const tracker = new Tracker(value, parent, key);
  tracked.push(tracker);
  return new Proxy(value, tracker);
}

/**
 * The array itself when it holds no object; otherwise a copy whose objects (and nested arrays)
 * are wrapped. The validator only reads arrays, so it cannot tell the copy apart.
 */
function wrapArray(value: unknown[], segment: ArraySegment): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    if (element === null || typeof element !== 'object') continue;
    out ??= value.slice();
    out[i] = Array.isArray(element)
      ? wrapArray(element, new ArraySegment(segment, String(i)))
      : wrapObject(element as Record<string, unknown>, segment, String(i));
  }
  return out ?? value;
}

/**
 * Where the keys of two tracked objects come in a depth-first walk of the validated value
 * (parent first, then children in key order), so unknown fields are listed in document order
 * whichever way they were found.
 */
function compareDocumentOrder(a: PathNode, b: PathNode): number {
  const chain = (n: PathNode) => {
    const out: PathNode[] = [];
    for (let c: PathNode | undefined = n; c; c = c.parent) out.push(c);
    return out.reverse();
  };
  const ca = chain(a);
  const cb = chain(b);
  let i = 0;
  while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
  if (i === ca.length || i === cb.length) return ca.length - cb.length;
  const parent = ca[i].parent;
  if (parent instanceof Tracker) {
    const keys = Object.keys(parent.value);
    return keys.indexOf(ca[i].key) - keys.indexOf(cb[i].key);
  }
  return Number(ca[i].key) - Number(cb[i].key);
}

/**
 * What a generated validator reads of a valid object at one place of its schema: the
 * "skeleton" of the schema, learned from tracked runs. Kubernetes schemas (the built-in API
 * and structural CRD schemas) make this independent of the data: a validator reads every
 * declared field of every object it visits, enumerates exactly the maps, and never looks
 * into free-form objects. So once learned, the unknown fields of a valid object are found by
 * walking it next to the skeleton, without wrapping it in proxies.
 */
class SkeletonNode {
  /** Set once a tracked object was merged into this node. */
  learned = false;
  touched = false;
  enumerated = false;
  /** Keys the validator read on objects here (declared fields). */
  reads: Set<string> | undefined = undefined;
  /** Objects and arrays under declared fields, by key. */
  children: Map<string, SkeletonNode> | undefined = undefined;
  /** Objects and arrays in a map (an enumerated object), whatever their key. */
  mapValue: SkeletonNode | undefined = undefined;
  /** Elements of an array. */
  items: SkeletonNode | undefined = undefined;

  constructor(readonly isArray: boolean) {}
}

/** Nodes per validator beyond which a skeleton stops growing (recursive CRD schemas). */
const MAX_SKELETON_NODES = 20_000;

class Skeleton {
  root: SkeletonNode | undefined = undefined;
  nodes = 0;
  /**
   * False once two objects at the same place were read differently: then this validator's
   * reads depend on the data, and every object goes through the tracked run.
   */
  consistent = true;

  #node(parent: SkeletonNode, key: string | undefined, isArray: boolean): SkeletonNode | undefined {
    let node: SkeletonNode | undefined;
    if (parent.isArray) {
      node = parent.items;
    } else if (key === undefined) {
      node = parent.mapValue;
    } else {
      node = parent.children?.get(key);
    }
    if (node) {
      if (node.isArray !== isArray) this.consistent = false;
      return node;
    }
    if (this.nodes >= MAX_SKELETON_NODES) return undefined;
    this.nodes += 1;
    node = new SkeletonNode(isArray);
    if (parent.isArray) parent.items = node;
    else if (key === undefined) parent.mapValue = node;
    else (parent.children ??= new Map()).set(key, node);
    return node;
  }

  /** Merges the trackers of a run that found no violation. */
  learn(rootIsArray: boolean, trackers: Tracker[]): void {
    if (!this.consistent) return;
    if (!this.root) {
      this.root = new SkeletonNode(rootIsArray);
      this.nodes += 1;
    } else if (this.root.isArray !== rootIsArray) {
      this.consistent = false;
      return;
    }
    const nodes = new Map<PathNode, SkeletonNode | undefined>();
    const nodeOf = (p: PathNode): SkeletonNode | undefined => {
      if (nodes.has(p)) return nodes.get(p);
      let node: SkeletonNode | undefined;
      const isArray = p instanceof ArraySegment;
      if (!p.parent) {
        node = this.root;
      } else {
        const parent = nodeOf(p.parent);
        const parentEnumerated = p.parent instanceof Tracker && p.parent.enumerated;
        node = parent && this.#node(parent, parentEnumerated ? undefined : p.key, isArray);
      }
      nodes.set(p, node);
      return node;
    };
    for (const t of trackers) {
      const node = nodeOf(t);
      if (!node) continue;
      // A map's reads are its data's keys, so only the reads of other objects must agree.
      const reads = t.enumerated ? [] : t.reads ?? [];
      if (!node.learned) {
        node.learned = true;
        node.touched = t.touched;
        node.enumerated = t.enumerated;
        node.reads = new Set(reads);
      } else if (
        node.touched !== t.touched ||
        node.enumerated !== t.enumerated ||
        !reads.every(k => node.reads!.has(k)) ||
        new Set(reads).size !== node.reads!.size
      ) {
        this.consistent = false;
        return;
      }
    }
  }
}

const skeletons = new WeakMap<CompiledValidateFunction, Skeleton>();

/** Whether a value is an object, or an array holding one at any depth: something to walk. */
function holdsObject(value: object): boolean {
  if (!Array.isArray(value)) return true;
  for (const element of value) {
    if (element !== null && typeof element === 'object' && holdsObject(element)) return true;
  }
  return false;
}

/**
 * Lists the unknown fields of a valid value by walking it next to a skeleton, in document
 * order, the way the tracked run would.
 * @returns false when the value has an object or array where the skeleton has none yet
 */
function walkSkeleton(
  node: SkeletonNode,
  value: object,
  stack: string[],
  out: SchemaViolation[],
): boolean {
  if (Array.isArray(value)) {
    if (!node.isArray) return false;
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (element === null || typeof element !== 'object') continue;
      if (!node.items) {
        if (holdsObject(element)) return false;
        continue;
      }
      stack.push(String(i));
      const ok = walkSkeleton(node.items, element, stack, out);
      stack.pop();
      if (!ok) return false;
    }
    return true;
  }
  if (node.isArray || !node.learned) return false;
  if (!node.touched) return true;
  const obj = value as Record<string, unknown>;
  if (node.enumerated) {
    for (const key in obj) {
      if (!hasOwn.call(obj, key)) continue;
      const v = obj[key];
      if (v === null || typeof v !== 'object') continue;
      if (!node.mapValue) {
        if (holdsObject(v)) return false;
        continue;
      }
      stack.push(key);
      const ok = walkSkeleton(node.mapValue, v, stack, out);
      stack.pop();
      if (!ok) return false;
    }
    return true;
  }
  const reads = node.reads!;
  let unknown: string[] | undefined;
  let hasChildren = false;
  for (const key in obj) {
    if (!hasOwn.call(obj, key)) continue;
    const v = obj[key];
    if (v === undefined) continue;
    if (!reads.has(key)) {
      if (!droppedByGenerator(key)) (unknown ??= []).push(key);
    } else if (v !== null && typeof v === 'object') {
      hasChildren = true;
    }
  }
  if (unknown) {
    const path = stack.map(escapePointer).join('/');
    const p = stack.length ? `/${path}` : '';
    for (const key of unknown) out.push({ path: p, message: `unknown field "${key}"` });
  }
  if (!hasChildren) return true;
  for (const key in obj) {
    if (!hasOwn.call(obj, key)) continue;
    const v = obj[key];
    if (v === null || typeof v !== 'object' || !reads.has(key)) continue;
    const child = node.children?.get(key);
    if (!child) {
      if (holdsObject(v)) return false;
      continue;
    }
    stack.push(key);
    const ok = walkSkeleton(child, v, stack, out);
    stack.pop();
    if (!ok) return false;
  }
  return true;
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

/** Whether a path is at or below one of the (non-root) paths of a schema violation. */
function belowAnError(path: string, errorPaths: string[]): boolean {
  return errorPaths.some(ep => path === ep || path.startsWith(`${ep}/`));
}

/**
 * Options of {@link validateWithSchema}.
 * @public
 */
export interface ValidateWithSchemaOptions {
  /**
   * Report fields the schema does not declare (the API server's `fieldValidation=Strict`).
   */
  strict: boolean;
  /**
   * Learn, per validator, which fields it reads of valid objects and reuse that for later
   * objects instead of tracking every read (see {@link validateWithSchema}). Only correct for
   * validators that report all errors (ajv `allErrors`) and whose reads do not depend on the
   * data: the kubernetes-models ones (no `anyOf`/`oneOf`/`if` over objects; checked by a test).
   * Default `false`.
   */
  learnShapes?: boolean;
}

/**
 * Runs a generated validator and, when `strict`, also reports fields the schema does not
 * declare — the equivalent of the API server's `fieldValidation=Strict` (kubectl's default),
 * which the generated validators alone do not check because Kubernetes schemas omit
 * `additionalProperties: false`.
 *
 * Unknown fields are found by running the validator on proxies that record which fields it
 * reads: a field it never reads is not declared. With `learnShapes`, what the validator read
 * of valid objects is kept per validator for the life of the process (a skeleton of its
 * schema), and a later object whose objects all sit where those of earlier valid ones did is
 * checked by the plain validator and a walk next to that skeleton, without proxies. Shapes
 * not seen yet take the tracked run, and only valid objects are learned from. Both ways give
 * the same violations in the same (document) order.
 *
 * Unknown-field detection is skipped below a schema violation's path, so a wrong type is
 * reported once rather than as a cascade.
 * @public
 */
export function validateWithSchema(
  validate: CompiledValidateFunction,
  object: unknown,
  options: ValidateWithSchemaOptions,
): SchemaViolation[] {
  if (!options.strict || object === null || typeof object !== 'object') {
    return validate(object) ? [] : formatValidationErrors(validate.errors);
  }
  const learn = options.learnShapes === true;
  let skeleton = learn ? skeletons.get(validate) : undefined;
  if (skeleton?.consistent && skeleton.root) {
    const valid = validate(object);
    const violations = valid ? [] : formatValidationErrors(validate.errors);
    const unknown: SchemaViolation[] = [];
    if (walkSkeleton(skeleton.root, object, [], unknown)) {
      if (valid) return unknown;
      const errorPaths = violations.map(v => v.path).filter(ep => ep !== '');
      for (const u of unknown) {
        if (!belowAnError(u.path, errorPaths)) violations.push(u);
      }
      return violations;
    }
  }

  const outer = tracked;
  tracked = [];
  let trackers: Tracker[];
  let ok: boolean;
  try {
    ok = validate(
      Array.isArray(object)
        ? wrapArray(object, new ArraySegment(undefined, ''))
        : wrapObject(object as Record<string, unknown>, undefined, ''),
    );
  } finally {
    trackers = tracked;
    tracked = outer;
  }
  const violations = ok ? [] : formatValidationErrors(validate.errors);
  const errorPaths = violations.map(v => v.path).filter(ep => ep !== '');
  let withUnknown: Array<{ tracker: Tracker; keys: string[] }> | undefined;
  for (const t of trackers) {
    // Never read: a free-form object (x-kubernetes-preserve-unknown-fields) or below a type error.
    if (t.enumerated || !t.touched) continue;
    const keys = t.unreadKeys();
    if (!keys) continue;
    if (belowAnError(t.path, errorPaths)) continue;
    (withUnknown ??= []).push({ tracker: t, keys });
  }
  if (withUnknown) {
    if (withUnknown.length > 1) {
      withUnknown.sort((a, b) => compareDocumentOrder(a.tracker, b.tracker));
    }
    for (const { tracker, keys } of withUnknown) {
      for (const key of keys) violations.push({ path: tracker.path, message: `unknown field "${key}"` });
    }
  }
  if (ok && learn) {
    if (!skeleton) {
      skeleton = new Skeleton();
      skeletons.set(validate, skeleton);
    }
    skeleton.learn(Array.isArray(object), trackers);
  }
  return violations;
}
