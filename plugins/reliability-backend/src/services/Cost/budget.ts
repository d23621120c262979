import type { BudgetStatus, BudgetThresholds } from '@goldenpath/plugin-reliability-common';

/**
 * Label on a pull request that approves a cost increase above `approval_usd`.
 * @public
 */
export const FINOPS_APPROVED_LABEL = 'finops-approved';

/**
 * Evaluates a cost change against an environment's budget from `.platform/budgets.yaml`.
 *
 * Checks, first match wins (amounts monthly, in the report's currency):
 * 1. new total above `absolute_usd` → `over`
 * 2. increase above `pr_delta_usd` → `over`
 * 3. increase above `approval_usd` → `needs-approval`, or `within` with `approved` when the pull
 *    request carries the `finops-approved` label
 * 4. increase above `soft_fail_usd` → `soft-fail`
 * 5. otherwise `within`; `unknown` when no threshold is set
 *
 * A missing difference (a breakdown without baseline) skips the increase checks.
 *
 * @param change.totalMonthlyCost - new monthly total
 * @param change.diffMonthlyCost - monthly difference, negative for savings, `null` when unknown
 * @public
 */
export function evaluateBudget(
  change: { totalMonthlyCost: number; diffMonthlyCost: number | null },
  budget: BudgetThresholds,
  labels: string[] = [],
): { status: BudgetStatus; approved: boolean; reason: string } {
  const { totalMonthlyCost: total, diffMonthlyCost: diff } = change;
  const fmt = (n: number) => n.toFixed(2);
  const thresholds = Object.values(budget).filter(v => v !== undefined);
  if (thresholds.length === 0) {
    return { status: 'unknown', approved: false, reason: 'No budget thresholds reported' };
  }
  if (budget.absolute_usd !== undefined && total > budget.absolute_usd) {
    return {
      status: 'over',
      approved: false,
      reason: `Monthly total ${fmt(total)} exceeds absolute_usd ${fmt(budget.absolute_usd)}`,
    };
  }
  if (diff !== null) {
    if (budget.pr_delta_usd !== undefined && diff > budget.pr_delta_usd) {
      return {
        status: 'over',
        approved: false,
        reason: `Monthly increase ${fmt(diff)} exceeds pr_delta_usd ${fmt(budget.pr_delta_usd)}`,
      };
    }
    if (budget.approval_usd !== undefined && diff > budget.approval_usd) {
      const approved = labels.includes(FINOPS_APPROVED_LABEL);
      return approved
        ? {
            status: 'within',
            approved: true,
            reason: `Monthly increase ${fmt(diff)} above approval_usd ${fmt(budget.approval_usd)}, approved with ${FINOPS_APPROVED_LABEL}`,
          }
        : {
            status: 'needs-approval',
            approved: false,
            reason: `Monthly increase ${fmt(diff)} exceeds approval_usd ${fmt(budget.approval_usd)}: needs the ${FINOPS_APPROVED_LABEL} label`,
          };
    }
    if (budget.soft_fail_usd !== undefined && diff > budget.soft_fail_usd) {
      return {
        status: 'soft-fail',
        approved: false,
        reason: `Monthly increase ${fmt(diff)} exceeds soft_fail_usd ${fmt(budget.soft_fail_usd)}`,
      };
    }
  }
  return {
    status: 'within',
    approved: false,
    reason:
      diff === null
        ? `Monthly total ${fmt(total)} within budget (no baseline to compare)`
        : `Monthly change ${fmt(diff)} within budget`,
  };
}
