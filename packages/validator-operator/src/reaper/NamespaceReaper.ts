import { Counter, Gauge, Registry } from 'prom-client';
import { KubeGateway } from '../kube/KubeGateway';
import type { OperatorLogger } from '../logger';

/** Annotation carrying a preview namespace's time to live. @public */
export const TTL_ANNOTATION = 'platform.io/ttl';

/**
 * Parses a TTL such as `90m`, `48h`, `7d`, `3600s`, `1h30m` or a plain number of seconds
 * into seconds. Units: `s`, `m`, `h`, `d`, `w`.
 * @returns seconds, or undefined when the value is not a positive duration
 * @public
 */
export function parseTtl(value: string): number | undefined {
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v) > 0 ? Number(v) : undefined;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const re = /([0-9]+(?:\.[0-9]+)?)([smhdw])/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed === v.length && total > 0 ? total : undefined;
}

/**
 * What one reaper pass found and did.
 * @public
 */
export interface ReapReport {
  /** Namespaces carrying the TTL annotation. */
  seen: string[];
  /** Of those, the ones past `creationTimestamp + ttl`. */
  expired: string[];
  /** Deleted (empty in dry-run mode). */
  deleted: string[];
  /** Namespaces with an unparsable TTL or a failed delete, with the reason. */
  errors: Array<{ namespace: string; message: string }>;
}

/**
 * The preview-environment reaper: on an interval, lists namespaces, keeps those
 * annotated `platform.io/ttl` (as the pipelines of the golden-path template create them),
 * and deletes the ones whose `creationTimestamp + ttl` has passed. A namespace without the
 * annotation is never touched, nor one already terminating. In dry-run mode it only reports.
 *
 * Prometheus metrics (own or given registry): `preview_reaper_namespaces_seen` (gauge, last
 * pass), `preview_reaper_namespaces_expired` (gauge, last pass),
 * `preview_reaper_namespaces_deleted_total`, `preview_reaper_errors_total`.
 * @public
 */
export class NamespaceReaper {
  readonly #kube: KubeGateway;
  readonly #logger: OperatorLogger;
  readonly #dryRun: boolean;
  readonly #intervalMs: number;
  readonly #now: () => Date;
  readonly #seen: Gauge;
  readonly #expired: Gauge;
  readonly #deleted: Counter;
  readonly #errors: Counter;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param options.dryRun - report only, delete nothing
   * @param options.intervalMs - time between passes, default 5 minutes
   */
  static create(options: {
    kube: KubeGateway;
    logger: OperatorLogger;
    registry?: Registry;
    dryRun?: boolean;
    intervalMs?: number;
    now?: () => Date;
  }): NamespaceReaper {
    return new NamespaceReaper(options);
  }

  private constructor(o: Parameters<typeof NamespaceReaper.create>[0]) {
    this.#kube = o.kube;
    this.#logger = o.logger;
    this.#dryRun = o.dryRun ?? false;
    this.#intervalMs = o.intervalMs ?? 300_000;
    this.#now = o.now ?? (() => new Date());
    const registers = [o.registry ?? new Registry()];
    this.#seen = new Gauge({ name: 'preview_reaper_namespaces_seen', help: 'Namespaces with a platform.io/ttl annotation (last pass)', registers });
    this.#expired = new Gauge({ name: 'preview_reaper_namespaces_expired', help: 'Namespaces past their TTL (last pass)', registers });
    this.#deleted = new Counter({ name: 'preview_reaper_namespaces_deleted_total', help: 'Namespaces deleted by the reaper', registers });
    this.#errors = new Counter({ name: 'preview_reaper_errors_total', help: 'Reaper errors (bad TTL, failed list or delete)', registers });
  }

  start() {
    const loop = async () => {
      try {
        await this.reapOnce();
      } catch (e) {
        this.#errors.inc();
        this.#logger.error('Reaper pass failed', { error: e instanceof Error ? e.message : String(e) });
      }
      this.#timer = setTimeout(loop, this.#intervalMs);
      this.#timer.unref?.();
    };
    void loop();
  }

  stop() {
    clearTimeout(this.#timer);
  }

  /** One pass. @throws when listing namespaces fails */
  async reapOnce(): Promise<ReapReport> {
    const report: ReapReport = { seen: [], expired: [], deleted: [], errors: [] };
    const now = this.#now().getTime();
    for (const ns of await this.#kube.listNamespaces()) {
      const name: string = ns.metadata?.name;
      const ttlValue: string | undefined = ns.metadata?.annotations?.[TTL_ANNOTATION];
      if (ttlValue === undefined) continue;
      report.seen.push(name);
      const ttl = parseTtl(ttlValue);
      if (ttl === undefined) {
        report.errors.push({ namespace: name, message: `unparsable ${TTL_ANNOTATION} ${JSON.stringify(ttlValue)}` });
        this.#errors.inc();
        continue;
      }
      const created = Date.parse(ns.metadata?.creationTimestamp ?? '');
      if (Number.isNaN(created) || created + ttl * 1000 > now) continue;
      report.expired.push(name);
      if (ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') continue;
      if (this.#dryRun) {
        this.#logger.info('Would delete expired preview namespace (dry run)', { namespace: name, ttl: ttlValue });
        continue;
      }
      try {
        if (await this.#kube.deleteNamespace(name)) {
          report.deleted.push(name);
          this.#deleted.inc();
          this.#logger.info('Deleted expired preview namespace', { namespace: name, ttl: ttlValue });
        }
      } catch (e) {
        report.errors.push({ namespace: name, message: e instanceof Error ? e.message : String(e) });
        this.#errors.inc();
      }
    }
    this.#seen.set(report.seen.length);
    this.#expired.set(report.expired.length);
    return report;
  }
}
