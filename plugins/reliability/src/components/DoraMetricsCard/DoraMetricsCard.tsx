import { useState } from 'react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import NativeSelect from '@material-ui/core/NativeSelect';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  DORA_WINDOWS,
  DoraResponse,
  DoraWindowDays,
} from '@goldenpath/plugin-reliability-common';
import { useEntityDoraTrend } from '../../hooks';
import { CARD_ANNOTATIONS, isDoraMetricsAvailable } from '../../predicates';
import { hours, levelOf, num, MissingAnnotationCard, ReliabilityCard, SeverityLabel } from '../common';

/**
 * Props of {@link DoraMetricsCard}.
 * @public
 */
export interface DoraMetricsCardProps {
  variant?: 'gridItem' | 'fullHeight';
  /** Initial window in days (7, 30, 90 or 365); default 30. People can change it on the card. */
  windowDays?: DoraWindowDays;
}

type MetricKey = keyof DoraResponse['metrics'];

const percent = (v: number | null) => (v === null ? '–' : `${num(v * 100, 0)}%`);

const METRICS: Array<{
  key: MetricKey;
  title: string;
  format: (v: number | null) => string;
  lowerIsBetter: boolean;
}> = [
  { key: 'deploymentFrequency', title: 'Deployment frequency', format: v => (v === null ? '–' : `${num(v)} / week`), lowerIsBetter: false },
  { key: 'leadTimeForChanges', title: 'Lead time for changes', format: hours, lowerIsBetter: true },
  { key: 'changeFailureRate', title: 'Change failure rate', format: v => percent(v), lowerIsBetter: true },
  { key: 'timeToRestoreService', title: 'Time to restore service', format: hours, lowerIsBetter: true },
];

function capitalise(s: string): string {
  return s.charAt(0).toLocaleUpperCase('en-US') + s.slice(1);
}

function trendText(
  current: number | null,
  previous: number | null | undefined,
  lowerIsBetter: boolean,
  format: (v: number | null) => string,
): string {
  if (current === null || previous === null || previous === undefined) return '–';
  if (current === previous) return `= ${format(previous)}`;
  const up = current > previous;
  const better = up !== lowerIsBetter;
  const change = previous === 0 ? '' : ` ${num((Math.abs(current - previous) / previous) * 100, 0)}%`;
  return `${up ? '▲' : '▼'}${change} from ${format(previous)} (${better ? 'better' : 'worse'})`;
}

function RevocationFlag(props: { value: DoraResponse }) {
  const revocation = props.value.autoMergeRevocation;
  if (!revocation.complete) {
    return (
      <SeverityLabel level="unknown">
        Auto-merge revocation not evaluated: too few {props.value.productionEnvironment} deployments
        in {revocation.windowDays} days
      </SeverityLabel>
    );
  }
  if (revocation.revoke) {
    return (
      <SeverityLabel level="critical">
        Auto-merge revoked: change failure rate {percent(revocation.changeFailureRate)} is at or
        above {percent(revocation.threshold)} over {revocation.windowDays} days
      </SeverityLabel>
    );
  }
  return (
    <SeverityLabel level="ok">
      Auto-merge allowed: change failure rate {percent(revocation.changeFailureRate)} below{' '}
      {percent(revocation.threshold)} over {revocation.windowDays} days
    </SeverityLabel>
  );
}

/** The DORA card's body (the tab shows it expanded). */
function DoraDetails(props: {
  value: DoraResponse;
  previous?: DoraResponse;
  previousNote?: string;
}) {
  const { value, previous, previousNote } = props;
  const notes: string[] = [];
  for (const m of METRICS) {
    const metric = value.metrics[m.key];
    if (!metric.complete) notes.push(`${m.title}: ${metric.missing ?? 'incomplete data'}`);
  }
  const excluded = value.metrics.leadTimeForChanges.excludedBotPullRequests;
  if (excluded > 0) {
    notes.push(`${excluded} bot pull request${excluded === 1 ? '' : 's'} excluded from lead time for changes`);
  }
  return (
    <>
      <Table size="small" aria-label="DORA metrics">
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            <TableCell>Value</TableCell>
            <TableCell>Band</TableCell>
            <TableCell>Previous {value.window.days} days</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {METRICS.map(m => {
            const metric = value.metrics[m.key];
            return (
              <TableRow key={m.key}>
                <TableCell>{m.title}</TableCell>
                <TableCell>
                  {m.format(metric.value)}
                  <Typography variant="caption" display="block" color="textSecondary">
                    n = {metric.sampleSize}
                  </Typography>
                </TableCell>
                <TableCell>
                  {metric.band ? (
                    <SeverityLabel level={levelOf(metric.band.band)}>
                      {capitalise(metric.band.band)}
                    </SeverityLabel>
                  ) : (
                    <SeverityLabel level="unknown">no band</SeverityLabel>
                  )}
                  {metric.band && (
                    <Typography variant="caption" display="block" color="textSecondary">
                      {metric.band.label}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {trendText(metric.value, previous?.metrics[m.key].value, m.lowerIsBetter, m.format)}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Box mt={1}>
        <Typography variant="body2" component="div">
          <RevocationFlag value={value} />
        </Typography>
      </Box>
      {(notes.length > 0 || previousNote) && (
        <Box mt={1} component="section" aria-label="Data completeness">
          <Typography variant="subtitle2" component="h3">
            Data completeness
          </Typography>
          {notes.map(n => (
            <Typography key={n} variant="caption" display="block" color="textSecondary">
              {n}
            </Typography>
          ))}
          {previousNote && (
            <Typography variant="caption" display="block" color="textSecondary">
              {previousNote}
            </Typography>
          )}
        </Box>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {value.repository ?? 'no repository'} · {value.productionEnvironment} · bands from{' '}
        <Link to={value.bands.source}>{value.bands.title}</Link> ({value.bands.year})
      </Typography>
    </>
  );
}

function DoraMetricsCardContent(props: DoraMetricsCardProps) {
  const { entity } = useEntity();
  const [windowDays, setWindowDays] = useState<DoraWindowDays>(props.windowDays ?? 30);
  const data = useEntityDoraTrend(getCompoundEntityRef(entity), windowDays);
  return (
    <ReliabilityCard
      title="DORA metrics"
      data={data}
      variant={props.variant}
      action={
        <NativeSelect
          value={windowDays}
          onChange={e => setWindowDays(Number(e.target.value) as DoraWindowDays)}
          inputProps={{ 'aria-label': 'DORA window' }}
        >
          {DORA_WINDOWS.map(d => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </NativeSelect>
      }
      noData={value =>
        Object.values(value.metrics).every(m => m.sampleSize === 0)
          ? {
              title: `No delivery events for ${value.repository ?? 'this repository'} in the last ${value.window.days} days`,
              howToSend:
                'Add a GitHub webhook to the repository with payload URL <backend>/api/reliability/webhooks/github, content type application/json, the shared secret, and the events pull_request, deployment, deployment_status and issues (incidents are issues labelled "incident").',
            }
          : undefined
      }
    >
      {value => (
        <DoraDetails value={value} previous={data.previous} previousNote={data.previousNote} />
      )}
    </ReliabilityCard>
  );
}

/**
 * The four DORA metrics of the entity's repository with their band for the configured report
 * year, the trend against the previous window, data-completeness notes and the auto-merge
 * revocation flag. Reads `github.com/project-slug`.
 *
 * @public
 */
export function DoraMetricsCard(props: DoraMetricsCardProps) {
  const { entity } = useEntity();
  if (!isDoraMetricsAvailable(entity)) {
    return (
      <MissingAnnotationCard
        title="DORA metrics"
        annotations={CARD_ANNOTATIONS.doraMetrics}
        variant={props.variant}
      />
    );
  }
  return <DoraMetricsCardContent {...props} />;
}
