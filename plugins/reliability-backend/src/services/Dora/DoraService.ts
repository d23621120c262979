import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ANNOTATIONS,
  classifyDoraMetric,
  DEFAULT_DORA_REPORT_YEAR,
  DORA_BAND_TABLES,
  DORA_REPORT_YEARS,
  DoraMetricKey,
  DoraReportYear,
  DoraResponse,
} from '@goldenpath/plugin-reliability-common';
import { clickHouseStoreServiceRef, mapClickHouseError } from '../ClickHouseStore';
import { deploymentStatsSql, leadTimeSql, timeToRestoreSql } from './doraSql';

/**
 * Change failure rate above which auto-merge should be revoked, over a rolling 30 days.
 * @public
 */
export const AUTO_MERGE_REVOCATION = { threshold: 0.15, windowDays: 30 } as const;

/**
 * Hours after a production deployment within which an `incident` issue counts against it.
 * @public
 */
export const DEFAULT_INCIDENT_ATTRIBUTION_HOURS = 72;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Row = Record<string, string | number | null>;
const n = (v: string | number | null | undefined) => Number(v ?? 0);

/**
 * Computes DORA metrics of an entity from GitHub delivery events in ClickHouse: lead time for
 * changes (median and p90), deployment frequency (deployments and deployment days per week),
 * change failure rate and time to restore service, each with a completeness flag and its band in the
 * configured State of DevOps report year (`reliability.dora.bandYear`, default 2024).
 * @public
 */
export class DoraService {
  readonly #client: ClickHouseClient;
  readonly #database: string;
  readonly #logger: LoggerService;
  readonly #bandYear: DoraReportYear;
  readonly #incidentHours: number;

  /**
   * @throws Error when `reliability.dora.bandYear` is not one of 2021, 2022, 2023, 2024
   */
  static create(options: {
    client: ClickHouseClient;
    database: string;
    logger: LoggerService;
    config?: RootConfigService;
    bandYear?: number;
    incidentAttributionHours?: number;
  }): DoraService {
    const year =
      options.bandYear ??
      options.config?.getOptionalNumber('reliability.dora.bandYear') ??
      DEFAULT_DORA_REPORT_YEAR;
    if (!(DORA_REPORT_YEARS as number[]).includes(year)) {
      throw new Error(
        `reliability.dora.bandYear must be one of ${DORA_REPORT_YEARS.join(', ')}, got ${year}`,
      );
    }
    const hours =
      options.incidentAttributionHours ??
      options.config?.getOptionalNumber('reliability.dora.incidentAttributionHours') ??
      DEFAULT_INCIDENT_ATTRIBUTION_HOURS;
    return new DoraService(
      options.client,
      options.database,
      options.logger,
      year as DoraReportYear,
      hours,
    );
  }

  private constructor(
    client: ClickHouseClient,
    database: string,
    logger: LoggerService,
    bandYear: DoraReportYear,
    incidentHours: number,
  ) {
    this.#client = client;
    this.#database = database;
    this.#logger = logger;
    this.#bandYear = bandYear;
    this.#incidentHours = incidentHours;
  }

  /** The report year whose bands are used. */
  get bandYear(): DoraReportYear {
    return this.#bandYear;
  }

  /**
   * DORA metrics of one entity over the `windowDays` ending at `now`.
   *
   * @param options.windowDays - 7, 30, 90 or 365 (validated by the route)
   * @param options.now - end of the window, default the current time
   */
  async getEntityDora(
    entity: Entity,
    options: { windowDays: number; now?: Date },
  ): Promise<Omit<DoraResponse, 'generatedAt' | 'errors'>> {
    const to = options.now ?? new Date();
    const from = new Date(to.getTime() - options.windowDays * DAY_MS);
    const slug = entity.metadata.annotations?.[ANNOTATIONS.GITHUB_PROJECT_SLUG]?.trim();
    const repository = slug ? slug.toLocaleLowerCase('en-US') : null;
    const environment =
      entity.metadata.annotations?.[ANNOTATIONS.PRODUCTION_ENVIRONMENT]?.trim() || 'production';
    const table = DORA_BAND_TABLES[this.#bandYear];
    const base = {
      entityRef: stringifyEntityRef(entity),
      repository,
      productionEnvironment: environment,
      window: { days: options.windowDays, from: from.toISOString(), to: to.toISOString() },
      bands: { year: table.year, title: table.title, source: table.source },
    };

    const [stats, lead, restore, recent] = repository
      ? await Promise.all([
          this.#one(deploymentStatsSql(this.#database), repository, environment, from, to),
          this.#one(leadTimeSql(this.#database), repository, environment, from, to),
          this.#one(timeToRestoreSql(this.#database), repository, environment, from, to),
          this.#one(
            deploymentStatsSql(this.#database),
            repository,
            environment,
            new Date(to.getTime() - AUTO_MERGE_REVOCATION.windowDays * DAY_MS),
            to,
          ),
        ])
      : [{}, {}, {}, {}];
    const noRepo = `entity has no ${ANNOTATIONS.GITHUB_PROJECT_SLUG} annotation`;

    const total = n(stats.total);
    const successful = n(stats.successful);
    const days = n(stats.deployment_days);
    const weeks = options.windowDays / 7;
    const failed = n(stats.failed);
    const remediated = n(stats.remediated);
    const cfr = total > 0 ? (failed + remediated) / total : null;

    const merged = n(lead.merged);
    const deployed = n(lead.deployed);
    const restoreCount = n(restore.incidents) + n(restore.recovered);

    const recentTotal = n(recent.total);
    const recentCfr =
      recentTotal > 0 ? (n(recent.failed) + n(recent.remediated)) / recentTotal : null;

    const band = (metric: DoraMetricKey, value: number | null) => {
      if (value === null) return null;
      const b = classifyDoraMetric(this.#bandYear, metric, value);
      return { band: b.band, label: b.label };
    };
    const missing = (complete: boolean, reason: string) =>
      complete ? {} : { missing: repository ? reason : noRepo };

    const leadComplete = deployed > 0;
    const median = leadComplete ? n(lead.median_hours) : null;
    const dfComplete = total > 0;
    const perWeek = dfComplete ? successful / weeks : null;
    const ttrComplete = restoreCount > 0;
    const ttr = ttrComplete ? n(restore.median_hours) : null;

    this.#logger.debug('Computed DORA metrics', {
      entityRef: base.entityRef,
      windowDays: options.windowDays,
      deployments: total,
    });

    return {
      ...base,
      metrics: {
        leadTimeForChanges: {
          value: median,
          unit: 'hours',
          complete: leadComplete,
          ...missing(
            leadComplete,
            merged === 0
              ? 'no merged pull requests by people in the window'
              : 'no successful production deployment after the merged pull requests',
          ),
          sampleSize: deployed,
          band: band('leadTimeForChanges', median),
          medianHours: median,
          p90Hours: leadComplete ? n(lead.p90_hours) : null,
          excludedBotPullRequests: n(lead.bots),
        },
        deploymentFrequency: {
          value: perWeek,
          unit: 'deployments/week',
          complete: dfComplete,
          ...missing(dfComplete, `no ${environment} deployment with a final status (success, failure, error) in the window`),
          sampleSize: total,
          band: band('deploymentFrequency', dfComplete ? successful / options.windowDays : null),
          deployments: successful,
          deploymentDays: days,
          deploymentsPerWeek: perWeek,
          deploymentDaysPerWeek: dfComplete ? days / weeks : null,
        },
        changeFailureRate: {
          value: cfr,
          unit: 'ratio',
          complete: cfr !== null,
          ...missing(cfr !== null, `no ${environment} deployment with a final status (success, failure, error) in the window`),
          sampleSize: total,
          band: band('changeFailureRate', cfr),
          totalDeployments: total,
          failedDeployments: failed,
          remediatedDeployments: remediated,
        },
        timeToRestoreService: {
          value: ttr,
          unit: 'hours',
          complete: ttrComplete,
          ...missing(
            ttrComplete,
            'no closed incidents or recovered failed deployments in the window',
          ),
          sampleSize: restoreCount,
          band: band('timeToRestoreService', ttr),
          medianHours: ttr,
          incidentsRestored: n(restore.incidents),
          failedDeploymentsRecovered: n(restore.recovered),
        },
      },
      autoMergeRevocation: {
        revoke: recentCfr !== null && recentCfr > AUTO_MERGE_REVOCATION.threshold,
        changeFailureRate: recentCfr,
        threshold: AUTO_MERGE_REVOCATION.threshold,
        windowDays: AUTO_MERGE_REVOCATION.windowDays,
        complete: recentCfr !== null,
      },
    };
  }

  async #one(
    query: string,
    repository: string,
    environment: string,
    from: Date,
    to: Date,
  ): Promise<Row> {
    const fmt = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
    try {
      const result = await this.#client.query({
        query,
        query_params: {
          repository,
          environment,
          from: fmt(from),
          to: fmt(to),
          incident_hours: this.#incidentHours,
        },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<Row>();
      return row ?? {};
    } catch (error) {
      throw mapClickHouseError(error);
    }
  }
}

/**
 * Service ref of {@link DoraService}, built on the plugin's ClickHouse store and config.
 * @public
 */
export const doraServiceRef = createServiceRef<DoraService>({
  id: 'reliability.dora',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        store: clickHouseStoreServiceRef,
      },
      factory: ({ logger, config, store }) =>
        DoraService.create({ client: store.client, database: store.database, logger, config }),
    }),
});
