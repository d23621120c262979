import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { apiVersionOf, ResourceType } from './resources';
import {
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';
import {
  KubeStatus,
  KubeStatusError,
  statusErrors,
  successStatus,
} from './status';
import { KubeObject, ObjectStore, PatchType, WatchEvent } from './store';

/**
 * Verbs as kube-apiserver authorizes them.
 *
 * @public
 */
export type KubeVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete';

/**
 * What an injected fault does to a matching request.
 *
 * - `status`: answer with the Status error real servers send for `code`
 *   (401 Unauthorized, 403 Forbidden naming user/verb/resource, 404, 410, 429, 500, 503, 504).
 * - `delay`: wait `ms`, then serve normally (a slow cluster).
 * - `hang`: never answer (an unreachable cluster behind a load balancer).
 * - `silence-watch`: open the watch (200, flushed headers) and then send nothing, ever.
 * - `close-watch`: end the watch cleanly after `afterEvents` events, without an ERROR event.
 * - `destroy`: reset the TCP connection without an HTTP answer.
 *
 * @public
 */
export type FaultAction =
  | { type: 'status'; code: number; message?: string }
  | { type: 'delay'; ms: number }
  | { type: 'hang' }
  | { type: 'silence-watch' }
  | { type: 'close-watch'; afterEvents?: number }
  | { type: 'destroy' };

/**
 * A fault rule: which requests it hits, what it does and how often.
 *
 * @public
 */
export interface FaultRule {
  match?: {
    verb?: KubeVerb | KubeVerb[];
    /** Plural resource name, e.g. `pods`. */
    resource?: string;
    group?: string;
    namespace?: string;
    name?: string;
  };
  action: FaultAction;
  /** How many requests it hits before it retires; unlimited when unset. */
  times?: number;
}

/**
 * Handle of an injected fault.
 *
 * @public
 */
export interface FaultHandle {
  /** Number of requests the rule has hit so far. */
  readonly hits: number;
  remove(): void;
}

/**
 * A request as the fake server saw it (for assertions in tests).
 *
 * @public
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  verb?: KubeVerb;
  resource?: string;
}

/**
 * Options of {@link FakeKubeApiServer.start}.
 *
 * @public
 */
export interface FakeKubeApiServerOptions {
  /** Objects to load before serving (status kept). */
  objects?: KubeObject[];
  /** When set, requests must carry `Authorization: Bearer <token>` or get 401. */
  token?: string;
  /** User named in 403 messages; default `system:serviceaccount:backstage:backstage`. */
  user?: string;
  /** Watch history kept for resuming (events); older resourceVersions get 410. Default 10000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events for watches with `allowWatchBookmarks=true`; off when unset. */
  bookmarkIntervalMs?: number;
  /** Extra resource types (CRDs) to serve. */
  resourceTypes?: ResourceType[];
  /** TCP port on 127.0.0.1; default 0 (an ephemeral port). */
  port?: number;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

interface ActiveWatch {
  res: http.ServerResponse;
  type: ResourceType;
  stop(): void;
}

const DEFAULT_USER = 'system:serviceaccount:backstage:backstage';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * An in-process fake Kubernetes API server over real HTTP on 127.0.0.1 and an
 * ephemeral port, for tests against `@kubernetes/client-node`.
 *
 * Serves discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`,
 * `/version`), list (with `resourceVersion`, `labelSelector`, `fieldSelector`),
 * get, create (409 AlreadyExists), update (409 Conflict on a stale
 * resourceVersion), delete (with finalizers), merge / JSON / strategic-merge
 * patch (strategic-merge is applied as a JSON merge patch: lists are replaced,
 * not merged by key), the `/status` subresource, and watch (`?watch=1`: chunked,
 * headers flushed at once, resume from a resourceVersion, `ERROR` event with a
 * 410 Expired Status for a compacted one, optional bookmarks). Errors are
 * `Status` objects worded as kube-apiserver words them. Faults can be injected
 * per request with {@link FakeKubeApiServer.inject}.
 *
 * Not implemented: `limit`/`continue` paging, server-side apply, the legacy
 * `/api/v1/watch/...` paths, DELETE of collections, graceful pod termination
 * (pods without finalizers go away at once).
 *
 * @public
 */
export class FakeKubeApiServer {
  /** The object store; tests may change objects directly (`upsert`, `delete`). */
  readonly store: ObjectStore;
  /** Requests served, oldest first (bounded to the last 1000). */
  readonly requests: RecordedRequest[] = [];
  readonly #server: http.Server;
  readonly #options: FakeKubeApiServerOptions;
  readonly #faults = new Set<{ rule: FaultRule; hits: number }>();
  readonly #sockets = new Set<Socket>();
  readonly #watches = new Set<ActiveWatch>();
  #url = '';

  private constructor(options: FakeKubeApiServerOptions) {
    this.#options = options;
    this.store = new ObjectStore({
      historyLimit: options.historyLimit,
    });
    for (const t of options.resourceTypes ?? []) this.store.registerType(t);
    for (const o of options.objects ?? []) this.store.upsert(o);
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch(e => {
        this.#sendStatus(
          res,
          statusErrors.internal(String(e?.message ?? e)).status,
        );
      });
    });
    this.#server.on('connection', socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /**
   * Starts a server on 127.0.0.1 and `options.port` (default: an ephemeral port).
   *
   * @returns the running server; call `close()` when done
   * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken
   */
  static async start(
    options: FakeKubeApiServerOptions = {},
  ): Promise<FakeKubeApiServer> {
    const server = new FakeKubeApiServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.#server.address() as AddressInfo;
    server.#url = `http://127.0.0.1:${port}`;
    return server;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#url;
  }

  /** Number of watch streams currently open. */
  get activeWatchCount(): number {
    return this.#watches.size;
  }

  /**
   * Options for `KubeConfig.loadFromOptions()` pointing at this server
   * (`skipTLSVerify: true`, which `@kubernetes/client-node` requires for `http://`).
   */
  kubeConfigOptions(options?: { token?: string; name?: string }) {
    const name = options?.name ?? 'fake';
    const token = options?.token ?? this.#options.token;
    return {
      clusters: [{ name, server: this.#url, skipTLSVerify: true }],
      users: [{ name, ...(token ? { token } : {}) }],
      contexts: [{ name, cluster: name, user: name }],
      currentContext: name,
    };
  }

  /** Injects a fault for matching requests; see {@link FaultAction}. */
  inject(rule: FaultRule): FaultHandle {
    const entry = { rule, hits: 0 };
    this.#faults.add(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => {
        this.#faults.delete(entry);
      },
    };
  }

  /** Removes every injected fault. */
  clearFaults() {
    this.#faults.clear();
  }

  /** Ends every open watch cleanly, as an apiserver restart would. */
  closeAllWatches() {
    for (const w of [...this.#watches]) w.stop();
  }

  /** Stops the server, dropping open connections (hung and watch requests too). */
  async close(): Promise<void> {
    for (const w of [...this.#watches]) w.stop();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? 'GET').toUpperCase();
    const recorded: RecordedRequest = { method, path: url.pathname, query };
    this.requests.push(recorded);
    if (this.requests.length > 1000)
      this.requests.splice(0, this.requests.length - 1000);

    if (this.#options.token !== undefined) {
      if (req.headers.authorization !== `Bearer ${this.#options.token}`) {
        this.#sendStatus(res, statusErrors.unauthorized().status);
        return;
      }
    }

    const discovery = this.#discovery(url.pathname);
    if (discovery !== undefined) {
      if (discovery === null) {
        this.#sendStatus(res, statusErrors.unknownPath().status);
      } else {
        this.#sendJson(res, 200, discovery);
      }
      return;
    }

    const route = this.#route(url.pathname);
    if (!route) {
      this.#sendStatus(res, statusErrors.unknownPath().status);
      return;
    }
    const isWatch = query.watch === '1' || query.watch === 'true';
    const verb = verbOf(method, route, isWatch);
    if (!verb) {
      this.#sendStatus(res, statusErrors.methodNotAllowed().status);
      return;
    }
    recorded.verb = verb;
    recorded.resource = route.type.resource;

    const fault = this.#takeFault(verb, route);
    if (fault) {
      switch (fault.type) {
        case 'status':
          this.#sendStatus(res, this.#faultStatus(fault, verb, route));
          return;
        case 'delay':
          await new Promise(r => setTimeout(r, fault.ms));
          if (res.destroyed) return;
          break;
        case 'hang':
          return;
        case 'destroy':
          req.socket.destroy();
          return;
        default:
          break;
      }
    }

    try {
      if (isWatch) {
        this.#watch(req, res, route, query, fault);
        return;
      }
      const body = ['POST', 'PUT', 'PATCH'].includes(method)
        ? await readJson(req)
        : undefined;
      this.#serve(req, res, verb, route, query, body);
    } catch (e) {
      if (e instanceof KubeStatusError) {
        this.#sendStatus(res, e.status);
      } else if (e instanceof SelectorError) {
        this.#sendStatus(res, statusErrors.badRequest(e.message).status);
      } else {
        throw e;
      }
    }
  }

  #serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    verb: KubeVerb,
    route: Route,
    query: Record<string, string>,
    body: unknown,
  ) {
    const { type, namespace, name, subresource } = route;
    const store = this.store;
    switch (verb) {
      case 'list': {
        const labels = parseLabelSelector(query.labelSelector);
        const fields = parseFieldSelector(query.fieldSelector);
        const items = store
          .list(type, namespace)
          .filter(o => labels(o.metadata.labels) && fields(o))
          .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
          .map(o => (type.listItemsKeepTypeMeta ? o : stripTypeMeta(o)));
        this.#sendJson(res, 200, {
          kind: `${type.kind}List`,
          apiVersion: apiVersionOf(type),
          metadata: { resourceVersion: store.resourceVersion },
          items,
        });
        return;
      }
      case 'get':
        this.#sendJson(res, 200, store.get(type, namespace, name!));
        return;
      case 'create':
        this.#sendJson(res, 201, store.create(type, namespace, asObject(body)));
        return;
      case 'update':
        this.#sendJson(
          res,
          200,
          store.update(type, namespace, name!, asObject(body), subresource),
        );
        return;
      case 'patch': {
        const contentType = String(req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const patchType: PatchType | undefined = (
          {
            'application/merge-patch+json': 'merge',
            'application/json-patch+json': 'json',
            'application/strategic-merge-patch+json': 'strategic',
          } as Record<string, PatchType>
        )[contentType];
        if (!patchType) throw statusErrors.unsupportedMediaType(contentType);
        this.#sendJson(
          res,
          200,
          store.patch(type, namespace, name!, patchType, body, subresource),
        );
        return;
      }
      case 'delete': {
        const { object, gone } = store.delete(type, namespace, name!);
        if (!gone || type.group === '') {
          this.#sendJson(res, 200, object);
        } else {
          this.#sendJson(
            res,
            200,
            successStatus({
              name,
              group: type.group,
              kind: type.resource,
              uid: object.metadata.uid,
            }),
          );
        }
        return;
      }
      default:
        throw statusErrors.methodNotAllowed();
    }
  }

  #watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Route,
    query: Record<string, string>,
    fault: FaultAction | undefined,
  ) {
    const { type, namespace } = route;
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector);
    const rvParam = query.resourceVersion ?? '';
    const sendInitial =
      query.sendInitialEvents === 'true' || rvParam === '' || rvParam === '0';
    const fromRv = Number(rvParam || '0');
    if (!Number.isInteger(fromRv)) {
      throw statusErrors.badRequest(
        `resourceVersion: Invalid value: "${rvParam}": must be an integer`,
      );
    }
    const matches = (o: KubeObject) =>
      (!namespace || o.metadata.namespace === namespace) &&
      (!route.name || o.metadata.name === route.name) &&
      labels(o.metadata.labels) &&
      fields(o);

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();

    const silent = fault?.type === 'silence-watch';
    const closeAfter =
      fault?.type === 'close-watch' ? fault.afterEvents ?? 0 : undefined;
    let sent = 0;
    const known = new Set<string>();
    let timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const watch: ActiveWatch = {
      res,
      type,
      stop: () => {
        unsubscribe();
        timers.forEach(clearTimeout);
        timers = [];
        this.#watches.delete(watch);
        if (!res.writableEnded) res.end();
      },
    };
    this.#watches.add(watch);
    req.on('close', () => watch.stop());
    res.on('close', () => watch.stop());

    const write = (eventType: string, object: unknown) => {
      if (silent || res.writableEnded) return;
      res.write(`${JSON.stringify({ type: eventType, object })}\n`);
      sent++;
      if (closeAfter !== undefined && sent >= closeAfter) watch.stop();
    };
    let resumed = false;
    const onEvent = (e: WatchEvent) => {
      const k = e.object.metadata.uid ?? '';
      const m = matches(e.object);
      if (e.type === 'DELETED') {
        if (m || known.has(k)) {
          known.delete(k);
          write('DELETED', e.object);
        }
      } else if (m) {
        const seen = e.type === 'MODIFIED' && (known.has(k) || resumed);
        known.add(k);
        write(seen ? 'MODIFIED' : 'ADDED', e.object);
      } else if (known.has(k)) {
        known.delete(k);
        write('DELETED', e.object);
      }
    };

    if (closeAfter === 0) {
      watch.stop();
      return;
    }
    if (sendInitial) {
      for (const o of this.store.list(type, namespace).filter(matches)) {
        known.add(o.metadata.uid ?? '');
        write('ADDED', o);
      }
      if (
        query.sendInitialEvents === 'true' &&
        query.allowWatchBookmarks === 'true'
      ) {
        write('BOOKMARK', bookmark(type, this.store.resourceVersion, true));
      }
    } else if (fromRv < this.store.compactedResourceVersion) {
      write(
        'ERROR',
        statusErrors.expired(rvParam, this.store.resourceVersion).status,
      );
      watch.stop();
      return;
    } else {
      resumed = true;
      for (const o of this.store.list(type, namespace).filter(matches)) {
        known.add(o.metadata.uid ?? '');
      }
      for (const e of this.store.eventsSince(type, fromRv)) {
        if (res.writableEnded) return;
        onEvent(e);
      }
    }
    if (res.writableEnded) return;
    const key = `${type.group}/${type.resource}`;
    unsubscribe = this.store.subscribe(e => {
      if (e.typeKey === key) onEvent(e);
    });
    if (
      this.#options.bookmarkIntervalMs &&
      query.allowWatchBookmarks === 'true'
    ) {
      const tick = () => {
        write('BOOKMARK', bookmark(type, this.store.resourceVersion, false));
        timers = [setTimeout(tick, this.#options.bookmarkIntervalMs)];
      };
      timers.push(setTimeout(tick, this.#options.bookmarkIntervalMs));
    }
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (timeoutSeconds > 0) {
      timers.push(setTimeout(() => watch.stop(), timeoutSeconds * 1000));
    }
  }

  #discovery(pathname: string): unknown | null | undefined {
    const p = pathname.replace(/\/+$/, '') || '/';
    const types = this.store.types();
    if (p === '/version') {
      return {
        major: '1',
        minor: '36',
        gitVersion: 'v1.36.0-goldenpath-fake',
        platform: 'linux/amd64',
      };
    }
    if (p === '/healthz' || p === '/readyz' || p === '/livez') return 'ok';
    if (p === '/api') {
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          {
            clientCIDR: '0.0.0.0/0',
            serverAddress: this.#url.replace('http://', ''),
          },
        ],
      };
    }
    if (p === '/apis') {
      const groups = new Map<string, string[]>();
      for (const t of types.filter(x => x.group)) {
        const versions = groups.get(t.group) ?? [];
        if (!versions.includes(t.version)) versions.push(t.version);
        groups.set(t.group, versions);
      }
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map(v => ({
            groupVersion: `${name}/${v}`,
            version: v,
          })),
          preferredVersion: {
            groupVersion: `${name}/${versions[0]}`,
            version: versions[0],
          },
        })),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p);
    if (m) {
      const group = m[2] ?? '';
      const version = m[1] ?? m[3];
      const served = types.filter(
        t => t.group === group && t.version === version,
      );
      if (served.length === 0) return null;
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: served.flatMap(t => [
          {
            name: t.resource,
            singularName: t.singular,
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: [
              'create',
              'delete',
              'get',
              'list',
              'patch',
              'update',
              'watch',
            ],
            ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
          },
          ...(t.subresources ?? []).map(s => ({
            name: `${t.resource}/${s}`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          })),
        ]),
      };
    }
    const g = /^\/apis\/([^/]+)$/.exec(p);
    if (g) {
      const versions = [
        ...new Set(types.filter(t => t.group === g[1]).map(t => t.version)),
      ];
      if (versions.length === 0) return null;
      return {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: g[1],
        versions: versions.map(v => ({
          groupVersion: `${g[1]}/${v}`,
          version: v,
        })),
        preferredVersion: {
          groupVersion: `${g[1]}/${versions[0]}`,
          version: versions[0],
        },
      };
    }
    return undefined;
  }

  #route(pathname: string): Route | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(pathname);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    let segments = m[4].split('/').filter(Boolean).map(decodeURIComponent);
    let namespace: string | undefined;
    if (
      segments[0] === 'namespaces' &&
      segments.length >= 3 &&
      segments[2] !== 'status'
    ) {
      namespace = segments[1];
      segments = segments.slice(2);
    }
    const [resource, name, sub, ...rest] = segments;
    if (rest.length > 0 || (sub !== undefined && sub !== 'status'))
      return undefined;
    const type = this.store.findType(group, version, resource);
    if (!type) return undefined;
    if (namespace && !type.namespaced) return undefined;
    if (sub === 'status' && !type.subresources?.includes('status'))
      return undefined;
    return { type, namespace, name, subresource: sub as 'status' | undefined };
  }

  #takeFault(verb: KubeVerb, route: Route): FaultAction | undefined {
    for (const entry of this.#faults) {
      const m = entry.rule.match ?? {};
      const verbs =
        m.verb === undefined ? undefined : ([] as KubeVerb[]).concat(m.verb);
      if (verbs && !verbs.includes(verb)) continue;
      if (m.resource !== undefined && m.resource !== route.type.resource)
        continue;
      if (m.group !== undefined && m.group !== route.type.group) continue;
      if (m.namespace !== undefined && m.namespace !== route.namespace)
        continue;
      if (m.name !== undefined && m.name !== route.name) continue;
      entry.hits++;
      if (entry.rule.times !== undefined && entry.hits >= entry.rule.times) {
        this.#faults.delete(entry);
      }
      return entry.rule.action;
    }
    return undefined;
  }

  #faultStatus(
    fault: { code: number; message?: string },
    verb: KubeVerb,
    route: Route,
  ): KubeStatus {
    const { type, namespace, name } = route;
    let status: KubeStatus;
    switch (fault.code) {
      case 401:
        status = statusErrors.unauthorized().status;
        break;
      case 403:
        status = statusErrors.forbidden({
          user: this.#options.user ?? DEFAULT_USER,
          verb,
          resource: type.resource,
          group: type.group,
          namespace,
          name,
        }).status;
        break;
      case 404:
        status = name
          ? statusErrors.notFound(type.resource, name, type.group).status
          : statusErrors.unknownPath().status;
        break;
      case 410:
        status = statusErrors.expired('1', this.store.resourceVersion).status;
        break;
      case 504:
        status = statusErrors.timeout().status;
        break;
      default:
        status = statusErrors.internal(
          fault.message ?? 'injected fault',
        ).status;
        status.code = fault.code;
        if (fault.code === 429) status.reason = 'TooManyRequests';
        if (fault.code === 503) status.reason = 'ServiceUnavailable';
    }
    if (fault.message) status.message = fault.message;
    return status;
  }

  #sendStatus(res: http.ServerResponse, status: KubeStatus) {
    this.#sendJson(res, status.code ?? 500, status);
  }

  #sendJson(res: http.ServerResponse, code: number, body: unknown) {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type':
        typeof body === 'string'
          ? 'text/plain; charset=utf-8'
          : 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }
}

function verbOf(
  method: string,
  route: Route,
  watch: boolean,
): KubeVerb | undefined {
  if (
    route.subresource === 'status' &&
    !['GET', 'PUT', 'PATCH'].includes(method)
  )
    return undefined;
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return route.name ? 'get' : 'list';
    case 'POST':
      return route.name ? undefined : 'create';
    case 'PUT':
      return route.name ? 'update' : undefined;
    case 'PATCH':
      return route.name ? 'patch' : undefined;
    case 'DELETE':
      return route.name ? 'delete' : undefined;
    default:
      return undefined;
  }
}

function bookmark(type: ResourceType, rv: string, initialEnd: boolean) {
  return {
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: {
      resourceVersion: rv,
      ...(initialEnd
        ? { annotations: { 'k8s.io/initial-events-end': 'true' } }
        : {}),
    },
  };
}

function stripTypeMeta(o: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return rest as KubeObject;
}

function sortKey(o: KubeObject) {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function asObject(body: unknown): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw statusErrors.badRequest(
      'the body of the request must be a JSON object',
    );
  }
  const obj = body as KubeObject;
  obj.metadata = obj.metadata ?? {};
  return obj;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw statusErrors.badRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw statusErrors.badRequest(
      `the body of the request was in an unknown format: ${
        (e as Error).message
      }`,
    );
  }
}
