import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  BudgetThresholds,
  budgetThresholdsSchema,
  CostResponse,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import { clickHouseStoreServiceRef, mapClickHouseError } from '../ClickHouseStore';
import { evaluateBudget } from './budget';
import { summarizeInfracost, InfracostSummary } from './infracost';

/**
 * Body of `POST /reports/cost`: the Infracost JSON plus where it belongs.
 *
 * - `entityRef` or `repository` (`owner/repo`, matched to `github.com/project-slug`): at least one
 * - `environment`: the budget environment (`production`, `staging`, …)
 * - `budget`: that environment's thresholds from `.platform/budgets.yaml`, or `budgets`: the whole
 *   file as JSON (`{ environments: { <env>: thresholds } }` or `{ <env>: thresholds }`), from which
 *   the report's environment is picked
 * - `labels`: the pull request's labels (`finops-approved` approves an increase above `approval_usd`)
 *
 * @public
 */
export const costReportRequestSchema = z
  .object({
    entityRef: z.string().min(1).max(512).optional(),
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'expected owner/repo')
      .optional(),
    pullRequest: z.number().int().positive().optional(),
    environment: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,63}$/, 'expected letters, digits, ".", "_" or "-"'),
    budget: budgetThresholdsSchema.optional(),
    budgets: z
      .union([
        z.object({ environments: z.record(z.string(), budgetThresholdsSchema) }),
        z.record(z.string(), budgetThresholdsSchema),
      ])
      .optional(),
    labels: z.array(z.string().max(256)).max(100).optional(),
    reportedAt: z.iso.datetime({ offset: true }).optional(),
    infracost: z.unknown(),
  })
  .refine(b => b.entityRef !== undefined || b.repository !== undefined, {
    message: 'entityRef or repository is required',
    path: ['entityRef'],
  });

/** @public */
export type CostReportRequest = z.infer<typeof costReportRequestSchema>;

/**
 * Normalises the entity ref of a report, or throws InputError naming `entityRef`.
 * @public
 */
export function normalizeReportEntityRef(ref: string | undefined): string {
  if (ref === undefined) {
    return '';
  }
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'component' }));
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
}

/**
 * Identifies the entity whose reports to read: its stringified ref and its GitHub repository.
 * @public
 */
export type ReportOwner = { entityRef: string; repository: string | null };

function pickBudget(
  budgets: CostReportRequest['budgets'],
  environment: string,
): BudgetThresholds {
  if (!budgets) {
    return {};
  }
  const perEnvironment =
    'environments' in budgets && typeof budgets.environments === 'object'
      ? (budgets.environments as Record<string, BudgetThresholds>)
      : (budgets as Record<string, BudgetThresholds>);
  return Object.hasOwn(perEnvironment, environment) ? perEnvironment[environment] : {};
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Stores Infracost cost reports and answers the cost card: the latest delta per environment against
 * its budget, monthly totals over time and the resources that changed most.
 * @public
 */
export class CostService {
  readonly #client: ClickHouseClient;
  readonly #database: string;
  readonly #logger: LoggerService;

  static create(options: {
    client: ClickHouseClient;
    database: string;
    logger: LoggerService;
  }): CostService {
    return new CostService(options.client, options.database, options.logger);
  }

  private constructor(client: ClickHouseClient, database: string, logger: LoggerService) {
    this.#client = client;
    this.#database = database;
    this.#logger = logger;
  }

  /**
   * Validates, summarises and stores one report (synchronous insert).
   *
   * @throws InputError naming the invalid field (`infracost.projects[0].name`, `entityRef`, …)
   */
  async ingestReport(request: CostReportRequest): Promise<{
    reportId: string;
    summary: Omit<InfracostSummary, 'changedResources'> & { changedResources: number };
    status: string;
    approved: boolean;
    reason: string;
  }> {
    const summary = summarizeInfracost(request.infracost);
    const entityRef = normalizeReportEntityRef(request.entityRef);
    const repository = request.repository?.toLocaleLowerCase('en-US') ?? '';
    const reportId = randomUUID();
    const reportedAt = request.reportedAt ?? new Date().toISOString();
    const budget: BudgetThresholds = request.budget ?? pickBudget(request.budgets, request.environment);
    const verdict = evaluateBudget(
      {
        totalMonthlyCost: Number(summary.totalMonthlyCost),
        diffMonthlyCost: num(summary.diffMonthlyCost),
      },
      budget,
      request.labels,
    );
    const settings = {
      async_insert: 0,
      wait_end_of_query: 1,
      date_time_input_format: 'best_effort',
    } as const;
    try {
      if (summary.changedResources.length > 0) {
        await this.#client.insert({
          table: `${this.#database}.cost_report_resources`,
          format: 'JSONEachRow',
          clickhouse_settings: settings,
          values: summary.changedResources.slice(0, 500).map(r => ({
            report_id: reportId,
            entity_ref: entityRef,
            repository,
            environment: request.environment,
            reported_at: reportedAt,
            project: r.project,
            name: r.name,
            resource_type: r.resourceType ?? '',
            past_monthly_cost: r.pastMonthlyCost,
            monthly_cost: r.monthlyCost,
            diff_monthly_cost: r.diffMonthlyCost,
          })),
        });
      }
      await this.#client.insert({
        table: `${this.#database}.cost_reports`,
        format: 'JSONEachRow',
        clickhouse_settings: settings,
        values: [
          {
            report_id: reportId,
            entity_ref: entityRef,
            repository,
            environment: request.environment,
            pull_request: request.pullRequest ?? null,
            reported_at: reportedAt,
            currency: summary.currency,
            past_monthly_cost: summary.pastMonthlyCost,
            total_monthly_cost: summary.totalMonthlyCost,
            diff_monthly_cost: summary.diffMonthlyCost,
            project_count: summary.projectCount,
            project_errors: summary.projectErrors,
            budget: JSON.stringify(budget),
            status: verdict.status,
            approved: verdict.approved ? 1 : 0,
            reason: verdict.reason,
          },
        ],
      });
    } catch (error) {
      throw mapClickHouseError(error);
    }
    this.#logger.info('Stored cost report', {
      reportId,
      entityRef,
      repository,
      environment: request.environment,
      status: verdict.status,
    });
    return {
      reportId,
      summary: { ...summary, changedResources: summary.changedResources.length },
      ...verdict,
    };
  }

  /**
   * Cost card data of one entity.
   * @param options.months - months of history, default 12
   * @param options.topResources - most-changed resources to list, default 10
   */
  async getEntityCost(
    owner: ReportOwner,
    options: { months?: number; topResources?: number } = {},
  ): Promise<Omit<CostResponse, 'generatedAt' | 'errors'>> {
    const db = this.#database;
    const params = {
      entity_ref: owner.entityRef,
      repository: owner.repository?.toLocaleLowerCase('en-US') ?? '',
      months: options.months ?? 12,
      top: options.topResources ?? 10,
    };
    const owned = `(entity_ref = {entity_ref:String} OR (repository != '' AND repository = {repository:String}))`;
    const latest = await this.#rows(
      `SELECT report_id, environment, repository, pull_request,
              toUnixTimestamp64Milli(reported_at) AS reported_at_ms,
              currency, past_monthly_cost, total_monthly_cost, diff_monthly_cost,
              budget, status, approved, reason, project_errors
       FROM ${db}.cost_reports FINAL
       WHERE ${owned}
       ORDER BY reported_at DESC, report_id
       LIMIT 1 BY environment`,
      params,
    );
    const history = await this.#rows(
      `SELECT formatDateTime(toStartOfMonth(reported_at), '%Y-%m') AS month, environment,
              argMax(total_monthly_cost, reported_at) AS total
       FROM ${db}.cost_reports FINAL
       WHERE ${owned} AND reported_at >= toStartOfMonth(now64(3) - toIntervalMonth({months:UInt32} - 1))
       GROUP BY month, environment
       ORDER BY month, environment`,
      params,
    );
    const ids = latest.map(r => String(r.report_id));
    const resources = ids.length
      ? await this.#rows(
          `SELECT environment, project, name, resource_type, past_monthly_cost, monthly_cost, diff_monthly_cost
           FROM ${db}.cost_report_resources FINAL
           WHERE report_id IN {ids:Array(String)} AND diff_monthly_cost != 0
           ORDER BY abs(diff_monthly_cost) DESC, name
           LIMIT {top:UInt32}`,
          { ...params, ids },
        )
      : [];
    return {
      entityRef: owner.entityRef,
      environments: latest
        .map(r => ({
          environment: String(r.environment),
          repository: r.repository ? String(r.repository) : null,
          pullRequest: num(r.pull_request),
          reportedAt: new Date(Number(r.reported_at_ms)).toISOString(),
          currency: String(r.currency),
          pastMonthlyCost: num(r.past_monthly_cost),
          totalMonthlyCost: Number(r.total_monthly_cost),
          diffMonthlyCost: num(r.diff_monthly_cost),
          budget: budgetThresholdsSchema.parse(JSON.parse(String(r.budget || '{}'))),
          status: r.status as CostResponse['environments'][number]['status'],
          approved: Number(r.approved) === 1,
          reason: String(r.reason),
          projectErrors: Number(r.project_errors),
        }))
        .sort((a, b) => a.environment.localeCompare(b.environment)),
      history: history.map(r => ({
        month: String(r.month),
        environment: String(r.environment),
        totalMonthlyCost: Number(r.total),
      })),
      topChangedResources: resources.map(r => ({
        environment: String(r.environment),
        project: String(r.project),
        name: String(r.name),
        resourceType: r.resource_type ? String(r.resource_type) : null,
        pastMonthlyCost: Number(r.past_monthly_cost),
        monthlyCost: Number(r.monthly_cost),
        diffMonthlyCost: Number(r.diff_monthly_cost),
      })),
    };
  }

  async #rows(query: string, query_params: Record<string, unknown>) {
    try {
      const result = await this.#client.query({ query, query_params, format: 'JSONEachRow' });
      return await result.json<Record<string, unknown>>();
    } catch (error) {
      throw mapClickHouseError(error);
    }
  }
}

/**
 * Service ref of {@link CostService}, built on the plugin's ClickHouse store.
 * @public
 */
export const costServiceRef = createServiceRef<CostService>({
  id: 'reliability.cost',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { logger: coreServices.logger, store: clickHouseStoreServiceRef },
      factory: ({ logger, store }) =>
        CostService.create({ client: store.client, database: store.database, logger }),
    }),
});
