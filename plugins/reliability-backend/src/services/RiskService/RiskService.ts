import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  CompositeRisk,
  DetectorResult,
  EntityRiskResponse,
  FleetRiskResponse,
  NodeRisk,
  RISK_DETECTORS,
  RiskDetector,
  RiskSourceError,
  RiskTrendPoint,
} from '@goldenpath/plugin-reliability-common';
import {
  clickHouseStoreServiceRef,
  mapClickHouseError,
} from '../ClickHouseStore';
import {
  BUCKET_SECONDS,
  buildRefreshQuery,
  DETECTOR_METRICS,
  DETECTOR_TERMS,
  DetectorMetric,
  DetectorTerm,
  entityStateSql,
  fleetScoresSql,
  nodeStateRefreshSql,
  riskConfigParams,
  telemetryLastSql,
} from './detectorSql';
import { bandOf, readRiskConfig, RiskConfig } from './riskConfig';
import { DEFAULT_UNIVARIATE_CORE } from './univariateCore';

/** Hours of trend returned per node on entity responses. */
export const TREND_HOURS = 24;
/** A node whose latest bucket is older than this is reported stale. Unit: minutes. */
export const STALE_AFTER_MINUTES = 15;

const UNITS: Record<DetectorMetric, string> = {
  block_lag: 'blocks',
  block_height: 'block',
  peers: 'peers',
  gpu_temp_c: '°C',
  gpu_util_pct: '%',
  cpu_util_pct: '%',
  mem_util_pct: '%',
  disk_write_latency_ms: 'ms',
  disk_util_pct: '%',
};

const LABELS: Record<DetectorMetric, string> = {
  block_lag: 'block lag',
  block_height: 'block height',
  peers: 'peer count',
  gpu_temp_c: 'GPU temperature',
  gpu_util_pct: 'GPU utilisation',
  cpu_util_pct: 'CPU utilisation',
  mem_util_pct: 'memory utilisation',
  disk_write_latency_ms: 'disk write latency',
  disk_util_pct: 'disk utilisation',
};

type Row = Record<string, number | string | null | boolean>;

/**
 * Computes the four detectors and the composite validator risk in
 * ClickHouse, per node, from the 5-minute telemetry rollup.
 *
 * Scores, formulas and thresholds are documented in `docs/risk-scores.md`.
 *
 * @public
 */
export class RiskService {
  readonly #client: ClickHouseClient;
  readonly #database: string;
  readonly #config: RiskConfig;
  readonly #logger: LoggerService;
  readonly #refreshAll: { sql: string; params: Record<string, unknown> };
  readonly #refreshOne: { sql: string; params: Record<string, unknown> };
  readonly #stateAll: string;
  readonly #stateOne: string;
  readonly #entityState: string;
  readonly #freshnessCheckMs: number;
  #telemetryLast?: { at: number; byComponent: Map<string, number> };
  #telemetryLastPending?: Promise<Map<string, number>>;

  /**
   * @param options.store - the plugin's ClickHouse store (or any `{ client, database }`)
   * @param options.config - root config; `reliability.risk` is read and validated here
   * @param options.freshnessCheckMs - how long the newest-telemetry time of every component
   *   (`telemetry_last`) is reused before it is read again, i.e. the longest a new telemetry
   *   bucket can go unnoticed by the entity route's on-demand refresh (the scheduled refresh
   *   still runs). Unit: ms; default 10000; 0 reads it on every request.
   * @throws Error when `reliability.risk` is invalid (bands not covering [0, 100], weights out of range…)
   */
  static create(options: {
    store: { client: ClickHouseClient; database: string };
    config: Config;
    logger: LoggerService;
    freshnessCheckMs?: number;
  }): RiskService {
    return new RiskService(
      options.store,
      readRiskConfig(options.config),
      options.logger,
      options.freshnessCheckMs ?? 10_000,
    );
  }

  private constructor(
    store: { client: ClickHouseClient; database: string },
    config: RiskConfig,
    logger: LoggerService,
    freshnessCheckMs: number,
  ) {
    this.#freshnessCheckMs = freshnessCheckMs;
    this.#client = store.client;
    this.#database = store.database;
    this.#config = config;
    this.#logger = logger;
    this.#refreshAll = buildRefreshQuery({ database: store.database, component: false });
    this.#refreshOne = buildRefreshQuery({ database: store.database, component: true });
    this.#stateAll = nodeStateRefreshSql(store.database, { component: false });
    this.#stateOne = nodeStateRefreshSql(store.database, { component: true });
    this.#entityState = entityStateSql(store.database);
  }

  /**
   * Scores the buckets not yet stored (plus the latest stored one, which may
   * have been partial) and writes them to `risk_scores`. The plugin runs it
   * for the whole fleet on a schedule; the entity route runs it for one
   * component when that component's telemetry is ahead of its scores.
   *
   * The input starts `baselineRows` buckets before the first bucket written,
   * so every written bucket has its full streaming history. Then the read
   * model `risk_node_state` (latest bucket + 24-hour trend per node) is
   * rewritten for the nodes scored.
   *
   * @param options.component - only this component (`backstage.io/kubernetes-id`)
   * @param options.now - evaluation time, default the wall clock
   * @returns the first bucket written and the number of node-buckets stored from it
   * @throws ServiceUnavailableError when ClickHouse is unreachable
   */
  async refresh(options: { component?: string; now?: Date } = {}): Promise<{
    since: Date;
    rows: number;
  }> {
    const to = alignToBucket(options.now ?? new Date());
    const trendStart = trendStartOf(to);
    const filter = options.component === undefined ? '' : 'WHERE component = {component:String}';
    const [stored] = await this.#select<{ last: number | string; n: number | string }>(
      `SELECT toUnixTimestamp(max(bucket)) AS last, count() AS n FROM ${this.#database}.risk_scores ${filter}`,
      { component: options.component ?? '' },
    );
    const last = Number(stored.last) * 1000;
    const since = new Date(
      Number(stored.n) > 0 ? Math.min(to.getTime(), Math.max(trendStart.getTime(), last - BUCKET_SECONDS * 1000)) : trendStart.getTime(),
    );
    const from = new Date(since.getTime() - DEFAULT_UNIVARIATE_CORE.baselineRows * BUCKET_SECONDS * 1000);
    const query = options.component === undefined ? this.#refreshAll : this.#refreshOne;
    try {
      await this.#client.command({
        query: query.sql,
        query_params: {
          ...query.params,
          ...riskConfigParams(this.#config),
          component: options.component ?? '',
          from: toSeconds(from),
          to: toSeconds(to),
          since: toSeconds(since),
        },
      });
      await this.#client.command({
        query: options.component === undefined ? this.#stateAll : this.#stateOne,
        query_params: {
          component: options.component ?? '',
          trend_from: toSeconds(trendStart),
          to: toSeconds(to),
        },
      });
      if (options.component === undefined) {
        // The two read models are small (one row per node) and read with FINAL: keeping each in
        // one part keeps a read at one part's cost (measured on bench/risk: 5 parts made the
        // entity read 12-13 ms of CPU, one part 7 ms).
        for (const table of ['risk_node_state', 'risk_latest']) {
          await this.#client.command({ query: `OPTIMIZE TABLE ${this.#database}.${table} FINAL` });
        }
      }
    } catch (error) {
      throw this.#mapError(error);
    }
    const [written] = await this.#select<{ n: number | string }>(
      `SELECT count() AS n FROM ${this.#database}.risk_scores FINAL
       WHERE bucket >= {since:DateTime('UTC')}${options.component === undefined ? '' : ' AND component = {component:String}'}`,
      { since: toSeconds(since), component: options.component ?? '' },
    );
    return { since, rows: Number(written.n) };
  }

  /** The validated configuration in use. */
  get config(): RiskConfig {
    return this.#config;
  }

  /**
   * Risk of every node of one component (the entity's `backstage.io/kubernetes-id`),
   * with a 24-hour trend in 5-minute buckets.
   *
   * @param options.component - value of the `backstage.io/kubernetes-id` label
   * @param options.namespace - optional Kubernetes namespace filter (`backstage.io/kubernetes-namespace`)
   * @param options.now - evaluation time, default the wall clock
   * @throws ServiceUnavailableError when ClickHouse is unreachable
   */
  async getComponentRisk(options: {
    component: string;
    namespace?: string;
    now?: Date;
  }): Promise<Pick<EntityRiskResponse, 'nodes' | 'errors' | 'bands' | 'bucketMinutes' | 'trendHours'>> {
    const now = options.now ?? new Date();
    const to = alignToBucket(now);
    const params = {
      component: options.component,
      namespace: options.namespace ?? '',
      to: toSeconds(to),
    };
    const read = () => this.#readPayloads(this.#entityState, params);
    let latest = await read();
    if (await this.#isBehind(options.component, params.to + BUCKET_SECONDS - 0.001, latest)) {
      await this.refresh({ component: options.component, now });
      latest = await read();
    }
    const trendFrom = toSeconds(trendStartOf(to));
    const nodes: NodeRisk[] = [];
    const errors: RiskSourceError[] = [];
    for (const row of latest) {
      const node = this.#toNodeRisk(row, now);
      node.trend = this.#trendOf(row, trendFrom, params.to);
      nodes.push(node);
      if (node.stale) errors.push(staleError(node));
    }
    nodes.sort((a, b) => b.composite.score - a.composite.score || a.node.localeCompare(b.node));
    return {
      nodes,
      errors,
      bands: this.#config.bands,
      bucketMinutes: BUCKET_SECONDS / 60,
      trendHours: TREND_HOURS,
    };
  }

  /**
   * The fleet's riskiest nodes at their latest bucket, highest composite first.
   *
   * @param options.limit - number of nodes, 1–1000
   * @param options.now - evaluation time, default the wall clock
   * @throws ServiceUnavailableError when ClickHouse is unreachable
   */
  async getFleetRisk(options: { limit: number; now?: Date }): Promise<Omit<FleetRiskResponse, 'generatedAt'>> {
    const now = options.now ?? new Date();
    const to = alignToBucket(now);
    const from = new Date(to.getTime() - TREND_HOURS * 3600 * 1000);
    const rows = await this.#readScores(fleetScoresSql(this.#database), {
      from: toSeconds(from),
      to: toSeconds(to),
      limit: options.limit,
    });
    const nodes = rows.map(row => this.#toNodeRisk(row, now));
    return {
      limit: options.limit,
      bands: this.#config.bands,
      nodes,
      errors: nodes.filter(n => n.stale).map(staleError),
    };
  }

  /**
   * True when the component has telemetry (up to `toEnd`, Unix seconds) in a later bucket than
   * its stored scores. The newest telemetry of every component comes from `telemetry_last` in one
   * small query, reused for `freshnessCheckMs`, so a request costs one read of its own rows.
   */
  async #isBehind(component: string, toEnd: number, latest: Row[]): Promise<boolean> {
    const telemetryLast = Math.min((await this.#telemetryLastByComponent()).get(component) ?? 0, toEnd);
    const telemetryBucket = Math.floor(telemetryLast / BUCKET_SECONDS) * BUCKET_SECONDS;
    const scoredLast = latest.reduce(
      (max, row) => Math.max(max, Date.parse(`${String(row.ts_text).replace(' ', 'T')}Z`) / 1000),
      0,
    );
    return telemetryLast > 0 && telemetryBucket > scoredLast;
  }

  async #telemetryLastByComponent(): Promise<Map<string, number>> {
    const cached = this.#telemetryLast;
    if (cached && Date.now() - cached.at < this.#freshnessCheckMs) {
      return cached.byComponent;
    }
    this.#telemetryLastPending ??= this.#select<{ component: string; last: number | string }>(
      telemetryLastSql(this.#database),
      {},
    )
      .then(rows => {
        const byComponent = new Map(rows.map(r => [r.component, Number(r.last)]));
        this.#telemetryLast = { at: Date.now(), byComponent };
        return byComponent;
      })
      .finally(() => {
        this.#telemetryLastPending = undefined;
      });
    return this.#telemetryLastPending;
  }

  async #readScores(sql: string, params: Record<string, unknown>): Promise<Row[]> {
    const rows = await this.#select<Row & { detail: Record<string, number | null> }>(sql, params);
    return rows.map(flattenDetail);
  }

  /** Rows of a query that returns one JSON `payload` per node (see `entityStateSql`). */
  async #readPayloads(sql: string, params: Record<string, unknown>): Promise<Row[]> {
    const rows = await this.#select<{ payload: string }>(sql, params);
    return rows.map(({ payload }) => flattenDetail(JSON.parse(payload)));
  }

  async #select<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    try {
      const result = await this.#client.query({
        query: sql,
        query_params: params,
        format: 'JSONEachRow',
      });
      return await result.json<T>();
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  #mapError(error: unknown): Error {
    const mapped = mapClickHouseError(error);
    if (mapped === error) {
      this.#logger.error(`Risk query failed: ${mapped.message}`);
    }
    return mapped;
  }

  /**
   * The stored trend points of a `risk_node_state` row within `[from, to]` (Unix seconds). The
   * stored values are already rounded (composite 2 decimals, detectors 4).
   */
  #trendOf(row: Row, from: number, to: number): RiskTrendPoint[] {
    const ts = row.trend_ts as unknown as number[];
    const composite = row.trend_composite as unknown as number[];
    const [consensus, hardware, storage, p2p] = RISK_DETECTORS.map(
      d => row[`trend_${d}`] as unknown as number[],
    );
    const points: RiskTrendPoint[] = [];
    for (let i = 0; i < ts.length; i++) {
      const t = Number(ts[i]);
      if (t < from || t > to) continue;
      points.push({
        ts: new Date(t * 1000).toISOString(),
        composite: Number(composite[i]),
        detectors: {
          consensus: Number(consensus[i]),
          hardware: Number(hardware[i]),
          storage: Number(storage[i]),
          p2p: Number(p2p[i]),
        },
      });
    }
    return points;
  }

  #toNodeRisk(row: Row, now: Date): NodeRisk {
    const lastSeen = toIso(String(row.last_bucket));
    const detectors = RISK_DETECTORS.map(d => this.#toDetectorResult(d, row));
    return {
      cluster: String(row.cluster),
      namespace: String(row.namespace),
      node: String(row.node),
      component: String(row.component),
      lastSeen,
      stale: now.getTime() - Date.parse(lastSeen) > (STALE_AFTER_MINUTES * 60 + BUCKET_SECONDS) * 1000,
      detectors,
      composite: this.#composite(num(row.composite) ?? 0, detectors),
    };
  }

  #composite(score: number, detectors: DetectorResult[]): CompositeRisk {
    const weighted = detectors.map(d => this.#config.weights[d.detector] * d.score);
    const total = weighted.reduce((a, b) => a + b, 0);
    const rounded = round(score, 2);
    return {
      score: rounded,
      band: bandOf(this.#config.bands, rounded),
      contributions: detectors.map((d, i) => ({
        detector: d.detector,
        weight: this.#config.weights[d.detector],
        score: d.score,
        contribution: total > 0 ? round((score * weighted[i]) / total, 2) : 0,
      })),
    };
  }

  #toDetectorResult(detector: RiskDetector, row: Row): DetectorResult {
    const score = clamp01(num(row[detector]) ?? 0);
    const terms = DETECTOR_TERMS[detector];
    let driver: DetectorTerm = terms[0];
    let best = -1;
    for (const term of terms) {
      const value = num(row[term.name]) ?? 0;
      if (value > best) {
        best = value;
        driver = term;
      }
    }
    const metric = driver.metric;
    const col = DETECTOR_METRICS[metric].col;
    const value = num(row[`${col}_v`]);
    const baseline = num(row[`${col}_b`]);
    return {
      detector,
      score: round(score, 4),
      metric,
      value: value === null ? null : round(value, 3),
      baseline: baseline === null ? null : round(baseline, 3),
      unit: UNITS[metric],
      reason: this.#reason(driver, score, value, baseline),
    };
  }

  #reason(
    term: DetectorTerm,
    score: number,
    value: number | null,
    baseline: number | null,
  ): string {
    const label = LABELS[term.metric];
    const unit = UNITS[term.metric];
    if (value === null) {
      return `No ${term.metric} telemetry in the latest 5 minutes`;
    }
    const v = `${fmt(value)} ${unit}`;
    const b = baseline === null ? '' : ` (baseline ${fmt(baseline)} ${unit})`;
    if (score === 0) {
      return `${capital(label)} ${v}${b}: normal`;
    }

    const t = this.#config.thresholds;
    switch (term.kind) {
      case 'stall':
        return `Block height stuck at ${fmt(value)} for ${STALE_AFTER_MINUTES} minutes: node is not syncing`;
      case 'anomaly':
        return `${capital(label)} ${v} is anomalous${b}`;
      case 'threshold':
      default:
        break;
    }
    switch (term.metric) {
      case 'block_lag':
        return `Block lag ${v} against a limit of ${fmt(t.maxBlockLag)} blocks`;
      case 'peers':
        return value === 0
          ? 'No peers: the node is isolated from the network'
          : `Only ${fmt(value)} peers, below the minimum of ${fmt(t.minPeers)}`;
      case 'gpu_temp_c':
        return `GPU temperature ${v}, throttling range starts at ${fmt(t.gpuTempWarnC)} °C`;
      case 'disk_write_latency_ms':
        return `Disk write latency ${v}, above ${fmt(t.diskLatencyWarnMs)} ms`;
      case 'disk_util_pct':
        return `Disk utilisation ${v}, saturated above ${fmt(t.diskUtilSaturationPct)} %`;
      default:
        return `${capital(label)} ${v}, saturated above ${fmt(t.saturationPct)} %`;
    }
  }
}

/** A stored row with its `detail` map's values lifted to columns, as the shaping code reads them. */
function flattenDetail({ detail, ...rest }: Row & { detail: Record<string, number | null> }): Row {
  return { ...detail, ...rest };
}

function staleError(node: NodeRisk): RiskSourceError {
  return {
    source: 'telemetry',
    errorType: 'StaleData',
    cluster: node.cluster,
    message: `No telemetry from ${node.node} since ${node.lastSeen}`,
  };
}

/** Start of the trend window ending with the bucket that starts at `to` (TREND_HOURS of buckets). */
function trendStartOf(to: Date): Date {
  return new Date(to.getTime() - (TREND_HOURS * 3600 - BUCKET_SECONDS) * 1000);
}

function alignToBucket(date: Date): Date {
  const ms = BUCKET_SECONDS * 1000;
  return new Date(Math.floor(date.getTime() / ms) * ms);
}

function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** ClickHouse text `YYYY-MM-DD hh:mm:ss[.fff]` in UTC → ISO 8601. */
function toIso(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? String(Math.round(n)) : String(round(n, 1));
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The plugin's risk service, on the plugin's ClickHouse store; reads and
 * validates `reliability.risk` at start-up (the backend refuses to start on
 * bands that do not cover [0, 100]).
 *
 * @public
 */
export const riskServiceRef = createServiceRef<RiskService>({
  id: 'reliability.risk',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        store: clickHouseStoreServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      factory: ({ store, config, logger }) =>
        RiskService.create({ store, config, logger }),
    }),
});
