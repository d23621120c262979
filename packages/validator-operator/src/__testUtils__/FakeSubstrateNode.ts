import http from 'node:http';
import { AddressInfo } from 'node:net';
import recordedHealth from './fixtures/system_health.psp6.json';
import recordedSyncState from './fixtures/system_syncState.psp6.json';
import recordedSyncState2020 from './fixtures/system_syncState.2020-no-highestBlock.result.json';

/**
 * What one fake node reports.
 * @public
 */
export interface FakeChainState {
  currentBlock: number;
  highestBlock: number;
  peers: number;
  isSyncing: boolean;
  /** Answer 503 to everything (node down). */
  down?: boolean;
  /** Answer like a 2020 node: `system_syncState` without `highestBlock`. */
  legacy?: boolean;
  /** Answer `system_health` with this JSON-RPC error object instead. */
  rpcError?: { code: number; message: string };
}

/**
 * A fake Substrate JSON-RPC HTTP server for tests and the bench. Each URL path
 * (`/<namespace>/<name>`, or `/` for a single node) is one node; answers are the
 * recorded PSP-6 responses (same keys, same order) with the node's current values.
 * @public
 */
export class FakeSubstrateNode {
  readonly #server: http.Server;
  readonly #states = new Map<string, FakeChainState>();
  #url = '';
  /** Called on every JSON-RPC call with the node's path. */
  onCall?: (path: string, method: string) => void;
  /** JSON-RPC calls served, by method. */
  readonly calls = new Map<string, number>();

  static async start(): Promise<FakeSubstrateNode> {
    const node = new FakeSubstrateNode();
    await new Promise<void>(resolve => node.#server.listen(0, '127.0.0.1', resolve));
    node.#url = `http://127.0.0.1:${(node.#server.address() as AddressInfo).port}`;
    return node;
  }

  private constructor() {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => this.#answer(req.url ?? '/', Buffer.concat(chunks).toString(), res));
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  get url(): string {
    return this.#url;
  }

  get port(): number {
    return Number(new URL(this.#url).port);
  }

  /** Sets (merges) the state of the node served under `path`. */
  set(path: string, state: Partial<FakeChainState>) {
    const prev = this.#states.get(path) ?? {
      currentBlock: recordedSyncState.result.currentBlock,
      highestBlock: recordedSyncState.result.highestBlock,
      peers: recordedHealth.result.peers,
      isSyncing: recordedHealth.result.isSyncing,
    };
    this.#states.set(path, { ...prev, ...state });
  }

  get(path: string): FakeChainState | undefined {
    return this.#states.get(path);
  }

  async close() {
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #answer(path: string, body: string, res: http.ServerResponse) {
    const state = this.#states.get(path);
    if (!state || state.down) {
      res.writeHead(503).end();
      return;
    }
    let request: { id?: unknown; method?: string };
    try {
      request = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const method = String(request.method);
    this.onCall?.(path, method);
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    let payload: Record<string, unknown>;
    if (method === 'system_health') {
      payload = state.rpcError
        ? { jsonrpc: '2.0', error: state.rpcError, id: request.id }
        : {
            ...recordedHealth,
            result: { ...recordedHealth.result, isSyncing: state.isSyncing, peers: state.peers },
            id: request.id,
          };
    } else if (method === 'system_syncState') {
      const result = state.legacy
        ? { ...recordedSyncState2020, currentBlock: state.currentBlock }
        : {
            ...recordedSyncState.result,
            currentBlock: state.currentBlock,
            highestBlock: state.highestBlock,
          };
      payload = { ...recordedSyncState, result, id: request.id };
    } else {
      payload = {
        jsonrpc: '2.0',
        error: { code: -32601, message: 'Method not found' },
        id: request.id,
      };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }
}
