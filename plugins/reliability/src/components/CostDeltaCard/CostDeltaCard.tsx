import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  CostEnvironmentDelta,
  CostResponse,
} from '@goldenpath/plugin-reliability-common';
import { useEntityCost } from '../../hooks';
import { CARD_ANNOTATIONS, isCostDeltaAvailable } from '../../predicates';
import {
  money,
  MissingAnnotationCard,
  ReliabilityCard,
  SeverityLabel,
  Sparkline,
  TrendChart,
} from '../common';
import type { SeverityLevel } from '../common';

/**
 * Props of {@link CostDeltaCard}.
 * @public
 */
export interface CostDeltaCardProps {
  variant?: 'gridItem' | 'fullHeight';
  /** Larger monthly chart and every changed resource (the Reliability tab); default: top 5. */
  expanded?: boolean;
}

function budgetStatus(env: CostEnvironmentDelta): { level: SeverityLevel; text: string } {
  switch (env.status) {
    case 'within':
      return { level: 'ok', text: 'within budget' };
    case 'soft-fail':
      return { level: 'warning', text: 'soft fail' };
    case 'needs-approval':
      return env.approved
        ? { level: 'ok', text: 'approved (finops-approved)' }
        : { level: 'warning', text: 'needs approval' };
    case 'over':
      return { level: 'critical', text: 'over budget' };
    default:
      return { level: 'unknown', text: 'no budget' };
  }
}

function budgetText(env: CostEnvironmentDelta): string {
  const b = env.budget;
  const parts = [
    b.soft_fail_usd !== undefined && `soft ${money(b.soft_fail_usd)}`,
    b.approval_usd !== undefined && `approval ${money(b.approval_usd)}`,
    b.pr_delta_usd !== undefined && `max delta ${money(b.pr_delta_usd)}`,
    b.absolute_usd !== undefined && `max total ${money(b.absolute_usd)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no thresholds in .platform/budgets.yaml';
}

/** The cost card's body (the tab shows it expanded). */
function CostDetails(props: { value: CostResponse; expanded?: boolean }) {
  const { value, expanded } = props;
  const environments = Array.from(new Set(value.history.map(h => h.environment))).sort();
  const seriesOf = (env: string) =>
    value.history
      .filter(h => h.environment === env)
      .sort((a, b) => a.month.localeCompare(b.month))
      .map(h => ({ x: h.month, y: h.totalMonthlyCost }));
  const currency = value.environments[0]?.currency ?? 'USD';
  return (
    <>
      {value.costCenter && (
        <Typography variant="caption" display="block" color="textSecondary">
          Cost center {value.costCenter}
        </Typography>
      )}
      <Table size="small" aria-label="Latest cost delta per environment">
        <TableHead>
          <TableRow>
            <TableCell>Environment</TableCell>
            <TableCell>Delta / month</TableCell>
            <TableCell>New total</TableCell>
            <TableCell>Budget</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.environments.map(env => {
            const status = budgetStatus(env);
            return (
              <TableRow key={env.environment}>
                <TableCell>
                  {env.environment}
                  {env.pullRequest !== null && (
                    <Typography variant="caption" display="block" color="textSecondary">
                      PR #{env.pullRequest}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{env.diffMonthlyCost === null ? 'no baseline' : money(env.diffMonthlyCost, env.currency, true)}</TableCell>
                <TableCell>{money(env.totalMonthlyCost, env.currency)}</TableCell>
                <TableCell>
                  <SeverityLabel level={status.level}>{status.text}</SeverityLabel>
                  <Typography variant="caption" display="block" color="textSecondary">
                    {env.reason} ({budgetText(env)})
                  </Typography>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {environments.length > 0 && (
        <Box mt={2} component="section" aria-label="Monthly total trend">
          <Typography variant="subtitle2" component="h3">
            Monthly total
          </Typography>
          {expanded ? (
            <TrendChart
              label={`Monthly total per environment (${currency})`}
              series={environments.map(env => ({ name: env, points: seriesOf(env) }))}
            />
          ) : (
            environments.map(env => {
              const points = seriesOf(env);
              const first = points[0];
              const last = points[points.length - 1];
              return (
                <Box key={env} display="flex" alignItems="center" style={{ gap: 8 }}>
                  <Typography variant="body2" style={{ minWidth: 90 }}>
                    {env}
                  </Typography>
                  <Sparkline
                    width={140}
                    height={28}
                    points={points}
                    label={`Monthly total of ${env}: ${money(first.y, currency)} in ${first.x} to ${money(last.y, currency)} in ${last.x}`}
                  />
                  <Typography variant="caption" color="textSecondary">
                    {first.x} {money(first.y, currency)} → {last.x} {money(last.y, currency)}
                  </Typography>
                </Box>
              );
            })
          )}
        </Box>
      )}
      {value.topChangedResources.length > 0 && (
        <Box mt={2} component="section" aria-label="Top changed resources">
          <Typography variant="subtitle2" component="h3">
            Top changed resources
          </Typography>
          <Table size="small">
            <TableBody>
              {value.topChangedResources.slice(0, expanded ? undefined : 5).map(r => (
                <TableRow key={`${r.environment}/${r.project}/${r.name}`}>
                  <TableCell>
                    {r.name}
                    <Typography variant="caption" display="block" color="textSecondary">
                      {r.environment} · {r.project}
                    </Typography>
                  </TableCell>
                  <TableCell>{money(r.diffMonthlyCost, currency, true)}</TableCell>
                  <TableCell>{money(r.monthlyCost, currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </>
  );
}

function CostDeltaCardContent(props: CostDeltaCardProps) {
  const { entity } = useEntity();
  const data = useEntityCost(getCompoundEntityRef(entity));
  return (
    <ReliabilityCard
      title="Cost delta"
      data={data}
      variant={props.variant}
      noData={value =>
        value.environments.length === 0
          ? {
              title: 'No cost report yet',
              howToSend:
                'Run `infracost diff --format json` in the pull-request workflow and POST it with the environment and its .platform/budgets.yaml thresholds to /api/reliability/reports/cost (the golden-path-service template generates this step).',
            }
          : undefined
      }
    >
      {value => <CostDetails value={value} expanded={props.expanded} />}
    </ReliabilityCard>
  );
}

/**
 * Latest pull-request cost delta per environment against its budget (Infracost), the monthly
 * total trend and the top changed resources. Reads `github.com/project-slug`.
 *
 * @public
 */
export function CostDeltaCard(props: CostDeltaCardProps) {
  const { entity } = useEntity();
  if (!isCostDeltaAvailable(entity)) {
    return (
      <MissingAnnotationCard
        title="Cost delta"
        annotations={CARD_ANNOTATIONS.costDelta}
        variant={props.variant}
      />
    );
  }
  return <CostDeltaCardContent {...props} />;
}
