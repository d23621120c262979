import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { applyPatch, Operation } from 'fast-json-patch';
import {
  apiVersionOf,
  DEFAULT_RESOURCE_TYPES,
  ResourceType,
} from './resources';
import { statusErrors } from './status';

/**
 * Any Kubernetes object as JSON.
 *
 * @public
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * One change, as a watch streams it.
 *
 * @public
 */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Global resourceVersion of this change (integer). */
  rv: number;
  typeKey: string;
  object: KubeObject;
}

/** Patch flavours understood by `patch()`. @public */
export type PatchType = 'merge' | 'json' | 'strategic';

/**
 * In-memory object store of the fake API server: objects keyed by
 * group/resource/namespace/name, one global resourceVersion counter and a
 * bounded history of changes for watches (older resourceVersions answer 410).
 *
 * @public
 */
export class ObjectStore {
  readonly #types = new Map<string, ResourceType>();
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #history: WatchEvent[] = [];
  readonly #historyLimit: number;
  readonly #events = new EventEmitter();
  #rv: number;
  /** Watches may resume from any resourceVersion at or above this one. */
  #compactedRv: number;

  constructor(options?: {
    historyLimit?: number;
    resourceTypes?: ResourceType[];
    initialResourceVersion?: number;
  }) {
    this.#historyLimit = options?.historyLimit ?? 10_000;
    this.#rv = options?.initialResourceVersion ?? 1000;
    this.#compactedRv = this.#rv;
    this.#events.setMaxListeners(0);
    for (const t of options?.resourceTypes ?? DEFAULT_RESOURCE_TYPES) {
      this.registerType(t);
    }
  }

  /** Serves another resource type (a CRD). */
  registerType(type: ResourceType) {
    this.#types.set(typeKey(type.group, type.resource), type);
    if (!this.#objects.has(typeKey(type.group, type.resource))) {
      this.#objects.set(typeKey(type.group, type.resource), new Map());
    }
  }

  types(): ResourceType[] {
    return [...this.#types.values()];
  }

  findType(
    group: string,
    version: string,
    resource: string,
  ): ResourceType | undefined {
    const t = this.#types.get(typeKey(group, resource));
    return t && t.version === version ? t : undefined;
  }

  findTypeByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types().find(
      t => t.kind === kind && apiVersionOf(t) === apiVersion,
    );
  }

  /** Current resourceVersion of the whole store. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** Oldest resourceVersion a watch may still resume from. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  /** Forgets all history, as etcd compaction does: older watches get 410 Gone. */
  compact() {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = [...this.#bucket(type).values()];
    return namespace
      ? all.filter(o => o.metadata.namespace === namespace)
      : all;
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.#bucket(type).get(objectKey(type, namespace, name));
    if (!obj) throw statusErrors.notFound(type.resource, name, type.group);
    return obj;
  }

  /**
   * Creates an object. With `keepStatus: false` (the API path) the status is
   * dropped for types with a status subresource, as kube-apiserver does.
   */
  create(
    type: ResourceType,
    namespace: string | undefined,
    input: KubeObject,
    options?: { keepStatus?: boolean },
  ): KubeObject {
    const obj = structuredClone(input);
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    obj.metadata = obj.metadata ?? {};
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(
        0,
        5,
      )}`;
    }
    const name = obj.metadata.name;
    if (!name) {
      throw statusErrors.invalid(
        type.kind,
        '',
        type.group,
        'metadata.name',
        'Required value: name or generateName is required',
      );
    }
    if (type.namespaced) {
      obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? 'default';
    } else {
      delete obj.metadata.namespace;
    }
    const key = objectKey(type, obj.metadata.namespace, name);
    if (this.#bucket(type).has(key)) {
      throw statusErrors.alreadyExists(type.resource, name, type.group);
    }
    if (!options?.keepStatus && type.subresources?.includes('status')) {
      delete obj.status;
    }
    obj.metadata.uid = obj.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp =
      obj.metadata.creationTimestamp ?? nowSeconds();
    obj.metadata.generation = obj.metadata.generation ?? 1;
    delete obj.metadata.deletionTimestamp;
    return this.#commit(type, key, obj, 'ADDED');
  }

  /**
   * Inserts or replaces an object as a test or seed would, status included,
   * without resourceVersion checks.
   */
  upsert(input: KubeObject): KubeObject {
    const type =
      input.apiVersion && input.kind
        ? this.findTypeByKind(input.apiVersion, input.kind)
        : undefined;
    if (!type) {
      throw new Error(
        `No resource type served for ${input.apiVersion} ${input.kind}`,
      );
    }
    const name = input.metadata.name!;
    const key = objectKey(
      type,
      type.namespaced ? input.metadata.namespace ?? 'default' : undefined,
      name,
    );
    const existing = this.#bucket(type).get(key);
    if (!existing) {
      return this.create(type, input.metadata.namespace, input, {
        keepStatus: true,
      });
    }
    const obj = structuredClone(input);
    obj.metadata.uid = existing.metadata.uid;
    obj.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    obj.metadata.namespace = existing.metadata.namespace;
    obj.metadata.generation = existing.metadata.generation;
    return this.#commit(type, key, obj, 'MODIFIED');
  }

  /**
   * Replaces an object (PUT). A set `metadata.resourceVersion` must match
   * (409 Conflict otherwise). `subresource: 'status'` only takes the status;
   * the main resource ignores status when the type has a status subresource.
   */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    subresource?: 'status',
  ): KubeObject {
    const current = this.get(type, namespace, name);
    if (input.metadata?.name && input.metadata.name !== name) {
      throw statusErrors.badRequest(
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      input.metadata?.resourceVersion &&
      input.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw statusErrors.conflict(type.resource, name, type.group);
    }
    return this.#replace(type, current, structuredClone(input), subresource);
  }

  /** Applies a merge, strategic-merge (treated as merge) or JSON patch. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    subresource?: 'status',
  ): KubeObject {
    const current = this.get(type, namespace, name);
    let next: KubeObject;
    if (patchType === 'json') {
      if (!Array.isArray(body)) {
        throw statusErrors.badRequest(
          'the server rejected our request due to an error in our request: json patch must be an array of operations',
        );
      }
      try {
        next = applyPatch(
          structuredClone(current),
          body as Operation[],
          true,
          false,
        ).newDocument;
      } catch (e) {
        throw statusErrors.invalid(
          type.kind,
          name,
          type.group,
          'patch',
          (e as Error).message.split('\n')[0],
        );
      }
    } else {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw statusErrors.badRequest(
          'the server rejected our request due to an error in our request: merge patch must be a JSON object',
        );
      }
      next = mergePatch(structuredClone(current), body) as KubeObject;
    }
    const requestedRv = (body as any)?.metadata?.resourceVersion;
    if (
      patchType !== 'json' &&
      requestedRv &&
      requestedRv !== current.metadata.resourceVersion
    ) {
      throw statusErrors.conflict(type.resource, name, type.group);
    }
    return this.#replace(type, current, next, subresource);
  }

  /**
   * Deletes an object. With finalizers it only gets `deletionTimestamp`
   * (MODIFIED); it goes away once an update empties `metadata.finalizers`.
   *
   * @returns the deleted object and whether it is gone
   */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): { object: KubeObject; gone: boolean } {
    const current = this.get(type, namespace, name);
    const key = objectKey(type, current.metadata.namespace, name);
    if (current.metadata.finalizers?.length) {
      if (current.metadata.deletionTimestamp)
        return { object: current, gone: false };
      const next = structuredClone(current);
      next.metadata.deletionTimestamp = nowSeconds();
      next.metadata.deletionGracePeriodSeconds = 0;
      return { object: this.#commit(type, key, next, 'MODIFIED'), gone: false };
    }
    this.#bucket(type).delete(key);
    const gone = structuredClone(current);
    this.#rv++;
    gone.metadata.resourceVersion = String(this.#rv);
    this.#record({
      type: 'DELETED',
      rv: this.#rv,
      typeKey: typeKey(type.group, type.resource),
      object: gone,
    });
    return { object: gone, gone: true };
  }

  /** Changes after `rv` of one type still in the history, oldest first. */
  eventsSince(type: ResourceType, rv: number): WatchEvent[] {
    const key = typeKey(type.group, type.resource);
    return this.#history.filter(e => e.rv > rv && e.typeKey === key);
  }

  /** Subscribes to all future changes; returns the unsubscribe function. */
  subscribe(listener: (event: WatchEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  #replace(
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    subresource?: 'status',
  ): KubeObject {
    const hasStatusSub = type.subresources?.includes('status');
    let merged: KubeObject;
    if (subresource === 'status') {
      merged = structuredClone(current);
      merged.status = next.status;
    } else {
      merged = next;
      merged.apiVersion = current.apiVersion;
      merged.kind = current.kind;
      if (hasStatusSub) merged.status = current.status;
      merged.metadata = {
        ...next.metadata,
        name: current.metadata.name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
        deletionTimestamp: current.metadata.deletionTimestamp,
      };
      if (!merged.metadata.namespace) delete merged.metadata.namespace;
      if (!merged.metadata.deletionTimestamp)
        delete merged.metadata.deletionTimestamp;
      if (JSON.stringify(merged.spec) !== JSON.stringify(current.spec)) {
        merged.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }
    }
    const key = objectKey(
      type,
      current.metadata.namespace,
      current.metadata.name!,
    );
    if (
      merged.metadata.deletionTimestamp &&
      !merged.metadata.finalizers?.length
    ) {
      this.#bucket(type).set(key, merged);
      return this.delete(
        type,
        current.metadata.namespace,
        current.metadata.name!,
      ).object;
    }
    return this.#commit(type, key, merged, 'MODIFIED');
  }

  #commit(
    type: ResourceType,
    key: string,
    obj: KubeObject,
    eventType: 'ADDED' | 'MODIFIED',
  ): KubeObject {
    this.#rv++;
    obj.metadata.resourceVersion = String(this.#rv);
    this.#bucket(type).set(key, obj);
    this.#record({
      type: eventType,
      rv: this.#rv,
      typeKey: typeKey(type.group, type.resource),
      object: obj,
    });
    return obj;
  }

  #record(event: WatchEvent) {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.splice(
        0,
        this.#history.length - this.#historyLimit,
      );
      this.#compactedRv = dropped[dropped.length - 1].rv;
    }
    this.#events.emit('event', event);
  }

  #bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type.group, type.resource);
    let bucket = this.#objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(key, bucket);
    }
    return bucket;
  }
}

function typeKey(group: string, resource: string) {
  return `${group}/${resource}`;
}

function objectKey(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
) {
  return type.namespaced ? `${namespace ?? 'default'}/${name}` : name;
}

function nowSeconds() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? (target as Record<string, unknown>)
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}
