import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { ProbeResult } from '../reconcile/stateMachine';

const healthSchema = z.object({
  peers: z.number().int().min(0),
  isSyncing: z.boolean(),
  shouldHavePeers: z.boolean().optional(),
});

const syncStateSchema = z.object({
  startingBlock: z.number().int().min(0).optional(),
  currentBlock: z.number().int().min(0),
  highestBlock: z.number().int().min(0).optional(),
});

const envelopeSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: z.unknown(), result: z.unknown() }),
  z.object({
    jsonrpc: z.literal('2.0'),
    id: z.unknown(),
    error: z.object({ code: z.number(), message: z.string() }),
  }),
]);

/**
 * Probes a Substrate node over HTTP JSON-RPC 2.0: `system_health` (peers, isSyncing) and
 * `system_syncState` (currentBlock, highestBlock), in parallel. Shapes follow the node's
 * `Health` and `SyncState` structs (polkadot-sdk `client/rpc-api/src/system/helpers.rs`);
 * a node from about 2020 may omit `highestBlock`, which then counts as `currentBlock`.
 *
 * Never throws: an unreachable node, a timeout, a JSON-RPC error object or a malformed
 * answer becomes `{ ok: false, error }`.
 * @public
 */
export class SubstrateProbe {
  readonly #timeoutMs: number;
  // node:http with kept-alive connections rather than fetch: a probe is two small POSTs, and
  // fetch's web streams made the probes a quarter of the operator's allocations at 1,000 nodes.
  readonly #agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
  #nextId = 1;

  /** @param options.timeoutMs - per-probe timeout, default 5000 ms */
  static create(options?: { timeoutMs?: number }): SubstrateProbe {
    return new SubstrateProbe(options?.timeoutMs ?? 5000);
  }

  private constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * @param url - the node's JSON-RPC HTTP endpoint, e.g. `http://10.0.0.12:9944`
   */
  async probe(url: string): Promise<ProbeResult> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const [health, sync] = await Promise.all([
        this.#call(url, 'system_health', signal).then(r => healthSchema.parse(r)),
        this.#call(url, 'system_syncState', signal).then(r => syncStateSchema.parse(r)),
      ]);
      return {
        ok: true,
        currentBlock: sync.currentBlock,
        highestBlock: sync.highestBlock ?? sync.currentBlock,
        peers: health.peers,
        isSyncing: health.isSyncing,
        latencyMs: performance.now() - started,
      };
    } catch (e) {
      let error = e instanceof Error ? e.message : String(e);
      if (e instanceof z.ZodError) {
        error = `unexpected response shape: ${e.issues.map(i => `${i.path.join('.')} ${i.message}`).join('; ')}`;
      }
      return { ok: false, error, latencyMs: performance.now() - started };
    }
  }

  /** Closes the kept-alive connections. */
  close() {
    this.#agents['http:'].destroy();
    this.#agents['https:'].destroy();
  }

  async #call(url: string, method: string, signal: AbortSignal): Promise<unknown> {
    const id = this.#nextId++;
    const target = new URL(url);
    const agent = this.#agents[target.protocol as 'http:' | 'https:'];
    if (!agent) throw new Error(`${method}: unsupported protocol ${target.protocol}`);
    const payload = JSON.stringify({ jsonrpc: '2.0', id, method, params: [] });
    const text = await new Promise<string>((resolve, reject) => {
      const req = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent,
          signal,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) reject(new Error(`${method}: HTTP ${status}`));
            else resolve(Buffer.concat(chunks).toString('utf8'));
          });
        },
      );
      req.on('error', e => reject(signal.aborted ? new Error(`${method}: timed out after ${this.#timeoutMs} ms`) : e));
      req.end(payload);
    });
    const body = envelopeSchema.parse(JSON.parse(text));
    if ('error' in body) {
      throw new Error(`${method}: JSON-RPC error ${body.error.code} ${body.error.message}`);
    }
    return body.result;
  }
}
