import { InputError } from '@backstage/errors';
import { z } from 'zod';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A money value as Infracost prints it: a decimal string, a JSON number, or null (unpriced). */
const money = z
  .union([z.string().regex(DECIMAL, 'expected a decimal string such as "12.34"'), z.number(), z.null()])
  .optional();

const resourceSchema = z.looseObject({
  name: z.string(),
  resourceType: z.string().optional(),
  monthlyCost: money,
});

const breakdownSchema = z.looseObject({
  resources: z.array(resourceSchema).nullish(),
  totalMonthlyCost: money,
});

/**
 * The parts of Infracost's JSON output (format version `0.2`, printed by
 * `infracost breakdown|diff|output --format json`) that Goldenpath reads. Everything else is kept
 * as is and ignored. Schema: infracost/infracost `schema/infracost.schema.json`.
 * @public
 */
export const infracostOutputSchema = z.looseObject({
  version: z.literal('0.2', { error: 'expected "0.2" (Infracost JSON output format)' }),
  currency: z.string().nullish(),
  metadata: z.looseObject({ infracostCommand: z.string().optional() }).nullish(),
  projects: z.array(
    z.looseObject({
      name: z.string(),
      metadata: z.looseObject({ errors: z.array(z.unknown()).nullish() }).nullish(),
      pastBreakdown: breakdownSchema.nullish(),
      breakdown: breakdownSchema.nullish(),
      diff: breakdownSchema.nullish(),
    }),
  ),
  totalMonthlyCost: money,
  pastTotalMonthlyCost: money,
  diffTotalMonthlyCost: money,
});

/** @public */
export type InfracostOutput = z.infer<typeof infracostOutputSchema>;

/**
 * A resource whose monthly cost differs between the baseline and the change.
 * Money values are decimal strings with at most 6 decimals (see {@link toDecimal6}).
 * @public
 */
export type InfracostResourceDelta = {
  project: string;
  name: string;
  resourceType: string | null;
  pastMonthlyCost: string;
  monthlyCost: string;
  diffMonthlyCost: string;
};

/**
 * What Goldenpath keeps of one Infracost output. Money is monthly, in `currency`, as decimal strings
 * with at most 6 decimals; `null` when the output does not carry the figure (older breakdowns have
 * no baseline, so neither past total nor difference).
 * @public
 */
export type InfracostSummary = {
  command: string | null;
  currency: string;
  projectCount: number;
  /** Number of entries in `projects[].metadata.errors`, over all projects. */
  projectErrors: number;
  totalMonthlyCost: string;
  pastMonthlyCost: string | null;
  diffMonthlyCost: string | null;
  /** Every resource listed in a project's `diff`, largest absolute change first. */
  changedResources: InfracostResourceDelta[];
};

/**
 * Truncates a decimal (string or number) to 6 decimals, the scale of the `Decimal(18, 6)` columns,
 * without going through binary floating point for strings.
 *
 * @throws InputError when the value is not a decimal
 * @public
 */
export function toDecimal6(value: string | number | null | undefined): string {
  if (value === null || value === undefined) {
    return '0';
  }
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  if (!DECIMAL.test(text)) {
    throw new InputError(`Not a decimal: ${JSON.stringify(value)}`);
  }
  const [int, frac = ''] = text.split('.');
  const cut = frac.slice(0, 6).replace(/0+$/, '');
  const out = cut ? `${int}.${cut}` : int;
  return /^-0(\.0*)?$/.test(out) ? '0' : out;
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    'infracost',
  );
}

/**
 * Validates an Infracost JSON output and summarises it: totals, the baseline and the difference,
 * project errors (`projects[].metadata.errors`) and the resources whose cost changed.
 *
 * @param input - parsed JSON of `infracost breakdown|diff --format json`
 * @throws InputError naming the first invalid field, e.g. `infracost.projects[0].name: …`
 * @public
 */
export function summarizeInfracost(input: unknown): InfracostSummary {
  const parsed = infracostOutputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${fieldPath(issue.path)}: ${issue.message}`);
  }
  const output = parsed.data;
  const changedResources: InfracostResourceDelta[] = [];
  for (const project of output.projects) {
    const past = new Map(
      (project.pastBreakdown?.resources ?? []).map(r => [r.name, r.monthlyCost]),
    );
    const current = new Map(
      (project.breakdown?.resources ?? []).map(r => [r.name, r]),
    );
    for (const resource of project.diff?.resources ?? []) {
      changedResources.push({
        project: project.name,
        name: resource.name,
        resourceType:
          resource.resourceType ?? current.get(resource.name)?.resourceType ?? null,
        pastMonthlyCost: toDecimal6(past.get(resource.name)),
        monthlyCost: toDecimal6(current.get(resource.name)?.monthlyCost),
        diffMonthlyCost: toDecimal6(resource.monthlyCost),
      });
    }
  }
  changedResources.sort(
    (a, b) => Math.abs(Number(b.diffMonthlyCost)) - Math.abs(Number(a.diffMonthlyCost)),
  );
  const has = (v: unknown) => v !== null && v !== undefined;
  return {
    command: output.metadata?.infracostCommand ?? null,
    currency: output.currency ?? 'USD',
    projectCount: output.projects.length,
    projectErrors: output.projects.reduce(
      (n, p) => n + (p.metadata?.errors ?? []).length,
      0,
    ),
    totalMonthlyCost: toDecimal6(output.totalMonthlyCost),
    pastMonthlyCost: has(output.pastTotalMonthlyCost)
      ? toDecimal6(output.pastTotalMonthlyCost)
      : null,
    diffMonthlyCost: has(output.diffTotalMonthlyCost)
      ? toDecimal6(output.diffTotalMonthlyCost)
      : null,
    changedResources,
  };
}
