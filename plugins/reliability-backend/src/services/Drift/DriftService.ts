import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ANNOTATIONS,
  DataDriftSeries,
  DeliverySourceError,
  DriftResponse,
  getKubernetesId,
  GitOpsApplication,
  InfrastructureDrift,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import { clickHouseStoreServiceRef, mapClickHouseError } from '../ClickHouseStore';
import { nodeHealthServiceRef } from '../NodeHealth';
import { normalizeReportEntityRef, ReportOwner } from '../Cost/CostService';
import { DATA_DRIFT_THRESHOLDS, dataDriftSql, ksCriticalValue } from './dataDrift';
import { summarizeTerraformPlan } from './terraformPlan';

/**
 * Body of `POST /reports/drift`, sent by the scheduled drift job after
 * `terraform plan -detailed-exitcode` (0 in sync, 1 error, 2 drift or pending changes) with the
 * output of `terraform show -json` of that plan (optional when the plan failed).
 * @public
 */
export const driftReportRequestSchema = z
  .object({
    entityRef: z.string().min(1).max(512).optional(),
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'expected owner/repo')
      .optional(),
    environment: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,63}$/, 'expected letters, digits, ".", "_" or "-"'),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)], {
      error: 'expected 0 (in sync), 1 (error) or 2 (drift)',
    }),
    checkedAt: z.iso.datetime({ offset: true }).optional(),
    plan: z.unknown().optional(),
  })
  .refine(b => b.entityRef !== undefined || b.repository !== undefined, {
    message: 'entityRef or repository is required',
    path: ['entityRef'],
  });

/** @public */
export type DriftReportRequest = z.infer<typeof driftReportRequestSchema>;

/**
 * Reads Argo CD `Application` status for an entity (annotated `argocd/app-name`). Implemented by the
 * node-health service, which already holds the cluster clients. Items may be summaries
 * ({@link GitOpsApplication}) or raw `argoproj.io/v1alpha1` Application objects.
 * @public
 */
export interface ArgoApplicationSource {
  getArgoApplications(entity: Entity): Promise<{
    items: unknown[];
    errors: Array<{ message: string; errorType?: string; cluster?: string; source?: string }>;
  }>;
}

/**
 * Maps a summarised or raw Argo CD Application to the card's shape.
 * @public
 */
export function toGitOpsApplication(item: unknown): GitOpsApplication {
  const o = (item ?? {}) as Record<string, any>;
  if (o.metadata && typeof o.metadata === 'object') {
    return {
      name: String(o.metadata.name ?? ''),
      namespace: String(o.metadata.namespace ?? ''),
      ...(o.cluster ? { cluster: String(o.cluster) } : {}),
      syncStatus: String(o.status?.sync?.status ?? 'Unknown'),
      healthStatus: String(o.status?.health?.status ?? 'Unknown'),
      revision: o.status?.sync?.revision ? String(o.status.sync.revision) : null,
      operationPhase: o.status?.operationState?.phase ? String(o.status.operationState.phase) : null,
    };
  }
  return {
    name: String(o.name ?? ''),
    namespace: String(o.namespace ?? ''),
    ...(o.cluster ? { cluster: String(o.cluster) } : {}),
    syncStatus: String(o.syncStatus ?? 'Unknown'),
    healthStatus: String(o.healthStatus ?? 'Unknown'),
    revision: o.revision ? String(o.revision) : null,
    operationPhase: o.operationPhase ? String(o.operationPhase) : null,
  };
}

const STATUS_BY_EXIT_CODE = { 0: 'in-sync', 1: 'error', 2: 'drifted' } as const;

/**
 * Drift state of an entity, three kinds kept apart: infrastructure (Terraform drift job reports),
 * GitOps (Argo CD Application sync and health) and data drift of telemetry (PSI, two-sample KS,
 * Jensen–Shannon distance, computed in ClickHouse).
 * @public
 */
export class DriftService {
  readonly #client: ClickHouseClient;
  readonly #database: string;
  readonly #logger: LoggerService;
  readonly #argo?: ArgoApplicationSource;

  static create(options: {
    client: ClickHouseClient;
    database: string;
    logger: LoggerService;
    argo?: ArgoApplicationSource;
  }): DriftService {
    return new DriftService(options.client, options.database, options.logger, options.argo);
  }

  private constructor(
    client: ClickHouseClient,
    database: string,
    logger: LoggerService,
    argo?: ArgoApplicationSource,
  ) {
    this.#client = client;
    this.#database = database;
    this.#logger = logger;
    this.#argo = argo;
  }

  /**
   * Stores one drift check (synchronous insert).
   * @throws InputError naming the invalid field (`plan.resource_changes[0].change.actions: …`)
   */
  async ingestReport(request: DriftReportRequest): Promise<{
    reportId: string;
    status: InfrastructureDrift['status'];
    driftedResources: number;
    plannedChanges: number;
  }> {
    const entityRef = normalizeReportEntityRef(request.entityRef);
    const summary =
      request.plan === undefined || request.plan === null
        ? { driftedResources: [], plannedChanges: [], actionCounts: {} }
        : summarizeTerraformPlan(request.plan);
    const status = STATUS_BY_EXIT_CODE[request.exitCode];
    const reportId = randomUUID();
    await this.#client
      .insert({
      table: `${this.#database}.drift_reports`,
      format: 'JSONEachRow',
      clickhouse_settings: {
        async_insert: 0,
        wait_end_of_query: 1,
        date_time_input_format: 'best_effort',
      },
      values: [
        {
          report_id: reportId,
          entity_ref: entityRef,
          repository: request.repository?.toLocaleLowerCase('en-US') ?? '',
          environment: request.environment,
          checked_at: request.checkedAt ?? new Date().toISOString(),
          exit_code: request.exitCode,
          status,
          drifted_resources: JSON.stringify(summary.driftedResources),
          planned_changes: JSON.stringify(summary.plannedChanges),
          action_counts: JSON.stringify(summary.actionCounts),
        },
      ],
      })
      .catch(error => {
        throw mapClickHouseError(error);
      });
    this.#logger.info('Stored drift report', {
      reportId,
      entityRef,
      environment: request.environment,
      status,
    });
    return {
      reportId,
      status,
      driftedResources: summary.driftedResources.length,
      plannedChanges: summary.plannedChanges.length,
    };
  }

  /**
   * Drift card data of one entity. Each kind fails on its own: its error goes to `errors` and the
   * other kinds are still answered.
   *
   * @param options.now - end of the data-drift window (default now), for tests and replays
   */
  async getEntityDrift(
    entity: Entity,
    owner: ReportOwner,
    options: { now?: Date } = {},
  ): Promise<Omit<DriftResponse, 'generatedAt'>> {
    const errors: DeliverySourceError[] = [];
    const guard = async <T>(source: string, fallback: T, fn: () => Promise<T>) => {
      try {
        return await fn();
      } catch (error) {
        assertError(error);
        this.#logger.warn('Drift source failed', { source, error: error.message });
        errors.push({ source, message: error.message, errorType: error.name });
        return fallback;
      }
    };
    const [infrastructure, gitops, data] = await Promise.all([
      guard('infrastructure', { status: 'unknown' as const, lastCheckedAt: null, environments: [] }, () =>
        this.#infrastructure(owner),
      ),
      guard(
        'gitops',
        { status: 'unknown' as const, lastCheckedAt: null, applications: [] as GitOpsApplication[] },
        () => this.#gitops(entity, errors),
      ),
      guard(
        'data',
        {
          status: 'no-data' as const,
          lastCheckedAt: null,
          thresholds: { ...DATA_DRIFT_THRESHOLDS },
          series: [] as DataDriftSeries[],
        },
        () => this.#dataDrift(entity, options.now ?? new Date()),
      ),
    ]);
    return { entityRef: owner.entityRef, infrastructure, gitops, data, errors };
  }

  async #infrastructure(owner: ReportOwner): Promise<DriftResponse['infrastructure']> {
    const result = await this.#client.query({
      query: `SELECT environment, exit_code, status,
                     toUnixTimestamp64Milli(checked_at) AS checked_at_ms,
                     drifted_resources, planned_changes, action_counts
              FROM ${this.#database}.drift_reports FINAL
              WHERE entity_ref = {entity_ref:String} OR (repository != '' AND repository = {repository:String})
              ORDER BY checked_at_ms DESC, report_id
              LIMIT 1 BY environment`,
      query_params: {
        entity_ref: owner.entityRef,
        repository: owner.repository?.toLocaleLowerCase('en-US') ?? '',
      },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, string | number>>();
    const environments: InfrastructureDrift[] = rows
      .map(r => ({
        environment: String(r.environment),
        status: String(r.status) as InfrastructureDrift['status'],
        exitCode: Number(r.exit_code),
        checkedAt: new Date(Number(r.checked_at_ms)).toISOString(),
        driftedResources: JSON.parse(String(r.drifted_resources)),
        plannedChanges: JSON.parse(String(r.planned_changes)),
        actionCounts: JSON.parse(String(r.action_counts)),
      }))
      .sort((a, b) => a.environment.localeCompare(b.environment));
    const statuses = new Set(environments.map(e => e.status));
    let status: DriftResponse['infrastructure']['status'] = 'unknown';
    if (statuses.has('error')) status = 'error';
    else if (statuses.has('drifted')) status = 'drifted';
    else if (statuses.has('in-sync')) status = 'in-sync';
    const lastCheckedAt =
      environments.map(e => e.checkedAt).sort().reverse()[0] ?? null;
    return { status, lastCheckedAt, environments };
  }

  async #gitops(
    entity: Entity,
    errors: DeliverySourceError[],
  ): Promise<DriftResponse['gitops']> {
    if (!entity.metadata.annotations?.[ANNOTATIONS.ARGOCD_APP_NAME]) {
      return { status: 'not-configured', lastCheckedAt: null, applications: [] };
    }
    if (!this.#argo) {
      throw new Error('No Argo CD application source is wired into the drift service');
    }
    const { items, errors: sourceErrors } = await this.#argo.getArgoApplications(entity);
    for (const e of sourceErrors) {
      errors.push({ ...e, source: e.source ?? 'gitops' });
    }
    const applications = items.map(toGitOpsApplication);
    let status: DriftResponse['gitops']['status'] = 'unknown';
    if (applications.length > 0) {
      if (applications.some(a => a.healthStatus === 'Degraded' || a.healthStatus === 'Missing')) {
        status = 'degraded';
      } else if (applications.some(a => a.syncStatus === 'OutOfSync')) {
        status = 'out-of-sync';
      } else if (applications.every(a => a.syncStatus === 'Synced')) {
        status = 'synced';
      }
    }
    return { status, lastCheckedAt: new Date().toISOString(), applications };
  }

  async #dataDrift(entity: Entity, now: Date): Promise<DriftResponse['data']> {
    const thresholds = { ...DATA_DRIFT_THRESHOLDS };
    const component = getKubernetesId(entity);
    if (!component) {
      return { status: 'not-configured', lastCheckedAt: null, thresholds, series: [] };
    }
    const result = await this.#client.query({
      query: dataDriftSql(this.#database),
      query_params: {
        component,
        end: now.toISOString().replace('T', ' ').replace('Z', ''),
        current_hours: 24,
        baseline_days: 7,
      },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, string | number | null>>();
    const series: DataDriftSeries[] = rows.map(r => {
      const nb = Number(r.baseline_count);
      const nc = Number(r.current_count);
      const enough = nb >= thresholds.minSamples && nc >= thresholds.minSamples;
      const psi = r.psi === null ? null : Number(r.psi);
      const ks = r.ks === null ? null : Number(r.ks);
      const ksCritical = nb > 0 && nc > 0 ? ksCriticalValue(nb, nc) : null;
      let status: DataDriftSeries['status'] = 'insufficient-data';
      if (enough && psi !== null) {
        if (psi > thresholds.psiSignificant) status = 'significant';
        else if (psi > thresholds.psiModerate) status = 'moderate';
        else status = 'stable';
      }
      return {
        node: String(r.node),
        metric: String(r.metric),
        psi,
        ks,
        jsDistance: r.js === null ? null : Number(r.js),
        ksCritical,
        ksRejects: ks !== null && ksCritical !== null && ks > ksCritical,
        currentCount: nc,
        baselineCount: nb,
        status,
      };
    });
    const rank = { significant: 3, moderate: 2, stable: 1, 'insufficient-data': 0 } as const;
    const worst = series.reduce(
      (acc, s) => (rank[s.status] > rank[acc] ? s.status : acc),
      'insufficient-data' as DataDriftSeries['status'],
    );
    return {
      status: worst === 'insufficient-data' ? 'no-data' : worst,
      lastCheckedAt: now.toISOString(),
      thresholds,
      series,
    };
  }
}

/**
 * Service ref of {@link DriftService}: ClickHouse store for infrastructure and data drift, the
 * node-health service (its Kubernetes informers) for Argo CD Application status.
 * @public
 */
export const driftServiceRef = createServiceRef<DriftService>({
  id: 'reliability.drift',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        logger: coreServices.logger,
        store: clickHouseStoreServiceRef,
        nodeHealth: nodeHealthServiceRef,
      },
      factory: ({ logger, store, nodeHealth }) =>
        DriftService.create({
          client: store.client,
          database: store.database,
          logger,
          argo: nodeHealth,
        }),
    }),
});
