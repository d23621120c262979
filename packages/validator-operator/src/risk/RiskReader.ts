import { fleetRiskResponseSchema } from '@goldenpath/plugin-reliability-common';
import type { NodeRiskReading } from '../reconcile/stateMachine';

/**
 * Reads the composite validator risk of a node.
 * @public
 */
export interface RiskReader {
  /** Undefined when the node has no (fresh) score; the state machine then ignores risk. */
  read(namespace: string, node: string): Promise<NodeRiskReading | undefined>;
}

/**
 * Reads the composite risk from the reliability backend's fleet route
 * (`GET <baseUrl>/risk?limit=1000`, the riskiest nodes first, validated with
 * `fleetRiskResponseSchema`), so the operator uses exactly the detectors and bands the
 * entity pages show instead of a second copy of their SQL. One call serves the whole fleet
 * and is cached for `refreshMs`. Stale scores (no telemetry for 15 minutes) are ignored.
 * Errors are reported through `onError` and answer undefined: risk is an extra signal,
 * never a reason to stop probing.
 * @public
 */
export class HttpRiskReader implements RiskReader {
  readonly #url: string;
  readonly #token?: string;
  readonly #refreshMs: number;
  readonly #onError: (e: unknown) => void;
  #cache = new Map<string, NodeRiskReading>();
  #fetchedAt = 0;
  #pending: Promise<void> | undefined;

  /**
   * @param options.baseUrl - e.g. `http://backstage:7007/api/reliability`
   * @param options.token - static external-access token sent as `Authorization: Bearer`
   * @param options.refreshMs - cache lifetime, default 30000
   */
  static create(options: {
    baseUrl: string;
    token?: string;
    refreshMs?: number;
    onError?: (e: unknown) => void;
  }): HttpRiskReader {
    return new HttpRiskReader(options);
  }

  private constructor(o: Parameters<typeof HttpRiskReader.create>[0]) {
    this.#url = `${o.baseUrl.replace(/\/+$/, '')}/risk?limit=1000`;
    this.#token = o.token;
    this.#refreshMs = o.refreshMs ?? 30_000;
    this.#onError = o.onError ?? (() => {});
  }

  async read(namespace: string, node: string): Promise<NodeRiskReading | undefined> {
    if (Date.now() - this.#fetchedAt > this.#refreshMs) {
      this.#pending ??= this.#refresh().finally(() => {
        this.#pending = undefined;
      });
      await this.#pending;
    }
    return this.#cache.get(`${namespace}/${node}`);
  }

  async #refresh() {
    try {
      const res = await fetch(this.#url, {
        headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`GET ${this.#url}: HTTP ${res.status}`);
      const body = fleetRiskResponseSchema.parse(await res.json());
      const next = new Map<string, NodeRiskReading>();
      for (const n of body.nodes) {
        if (!n.stale) {
          next.set(`${n.namespace}/${n.node}`, { score: n.composite.score, band: n.composite.band });
        }
      }
      this.#cache = next;
    } catch (e) {
      this.#onError(e);
    } finally {
      this.#fetchedAt = Date.now();
    }
  }
}

/**
 * A fixed map of risks (tests, and running without the reliability backend).
 * @public
 */
export class StaticRiskReader implements RiskReader {
  readonly risks = new Map<string, NodeRiskReading>();
  async read(namespace: string, node: string) {
    return this.risks.get(`${namespace}/${node}`);
  }
}
