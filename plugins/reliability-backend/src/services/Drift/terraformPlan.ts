import { InputError } from '@backstage/errors';
import type { TerraformResourceChange } from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';

const changeSchema = z.looseObject({
  address: z.string(),
  type: z.string().optional(),
  action_reason: z.string().optional(),
  change: z.looseObject({
    actions: z.array(z.enum(['no-op', 'create', 'read', 'update', 'delete', 'forget'])),
  }),
});

/**
 * The parts of `terraform show -json <planfile>` (plan format versions 0.1 to 1.2) that drift
 * reporting reads. `resource_changes` and `resource_drift` may both be absent (a refresh-only plan).
 * @public
 */
export const terraformPlanSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(changeSchema).optional(),
  resource_drift: z.array(changeSchema).optional(),
});

/**
 * Drift and pending changes of one plan.
 *
 * - `driftedResources`: `resource_drift` (changed outside Terraform, found during refresh)
 * - `plannedChanges`: `resource_changes` other than `no-op`
 * - `actionCounts`: `resource_changes` per action: `create`, `update`, `delete`, `replace`
 *   (`["delete","create"]` or `["create","delete"]`), `read`, `no-op`, `forget`
 *
 * @public
 */
export type TerraformPlanSummary = {
  formatVersion: string;
  terraformVersion: string | null;
  driftedResources: TerraformResourceChange[];
  plannedChanges: TerraformResourceChange[];
  actionCounts: Record<string, number>;
};

function actionName(actions: string[]): string {
  if (actions.length === 2 && actions.includes('delete') && actions.includes('create')) {
    return 'replace';
  }
  return actions.join(',');
}

function toChange(c: z.infer<typeof changeSchema>): TerraformResourceChange {
  return {
    address: c.address,
    type: c.type ?? null,
    actions: c.change.actions,
    actionReason: c.action_reason ?? null,
  };
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    'plan',
  );
}

/**
 * Validates and summarises a Terraform plan in JSON form.
 *
 * @param input - parsed output of `terraform show -json <planfile>`
 * @throws InputError naming the invalid field (`plan.resource_changes[3].change.actions: …`), or
 *   saying that the input is a state file (`terraform show -json` without a plan)
 * @public
 */
export function summarizeTerraformPlan(input: unknown): TerraformPlanSummary {
  if (
    typeof input === 'object' &&
    input !== null &&
    'values' in input &&
    !('planned_values' in input) &&
    !('resource_changes' in input)
  ) {
    throw new InputError(
      'plan: this is Terraform state (terraform show -json without a plan file), not a plan',
    );
  }
  const parsed = terraformPlanSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${fieldPath(issue.path)}: ${issue.message}`);
  }
  const plan = parsed.data;
  const actionCounts: Record<string, number> = {};
  for (const c of plan.resource_changes ?? []) {
    const name = actionName(c.change.actions);
    actionCounts[name] = (actionCounts[name] ?? 0) + 1;
  }
  return {
    formatVersion: plan.format_version,
    terraformVersion: plan.terraform_version ?? null,
    driftedResources: (plan.resource_drift ?? [])
      .filter(c => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
      .map(toChange),
    plannedChanges: (plan.resource_changes ?? [])
      .filter(c => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
      .map(toChange),
    actionCounts,
  };
}
