import type { ReactNode } from 'react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ANNOTATIONS, DriftResponse } from '@goldenpath/plugin-reliability-common';
import { useEntityDrift, useNow } from '../../hooks';
import { CARD_ANNOTATIONS, isDriftAvailable } from '../../predicates';
import { ago, levelOf, num, MissingAnnotationCard, ReliabilityCard, SeverityLabel } from '../common';

/**
 * Props of {@link DriftCard}.
 * @public
 */
export interface DriftCardProps {
  variant?: 'gridItem' | 'fullHeight';
  /** List every resource, application and series (the Reliability tab); default: the first 3 of each. */
  expanded?: boolean;
}

function Kind(props: {
  title: string;
  status: string;
  lastCheckedAt: string | null;
  children: ReactNode;
}) {
  const now = useNow(10_000);
  return (
    <Box mb={2} component="section" aria-label={`${props.title} drift`}>
      <Box display="flex" alignItems="baseline" flexWrap="wrap" style={{ gap: 12 }}>
        <Typography variant="subtitle2" component="h3">
          {props.title}
        </Typography>
        <SeverityLabel level={levelOf(props.status)}>{props.status}</SeverityLabel>
        <Typography variant="caption" color="textSecondary">
          last check {ago(props.lastCheckedAt, now)}
        </Typography>
      </Box>
      {props.children}
    </Box>
  );
}

function Line(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" component="div">
      {props.children}
    </Typography>
  );
}

/** The drift card's body (the tab shows it expanded). */
function DriftDetails(props: { value: DriftResponse; expanded?: boolean }) {
  const { infrastructure, gitops, data } = props.value;
  const limit = props.expanded ? Infinity : 3;
  return (
    <>
      <Kind title="Infrastructure" status={infrastructure.status} lastCheckedAt={infrastructure.lastCheckedAt}>
        {infrastructure.environments.length === 0 && (
          <Line>
            No Terraform drift report yet: run `terraform plan -detailed-exitcode` on a schedule in CI
            and POST the exit code and `terraform show -json` plan to /api/reliability/reports/drift.
          </Line>
        )}
        {infrastructure.environments.map(env => (
          <Box key={env.environment} mt={0.5}>
            <Line>
              <SeverityLabel level={levelOf(env.status)}>
                {env.environment}: {env.status}
              </SeverityLabel>
              {env.driftedResources.length > 0 &&
                ` — ${env.driftedResources.length} drifted resource${env.driftedResources.length === 1 ? '' : 's'}`}
              {env.plannedChanges.length > 0 && `, ${env.plannedChanges.length} pending change(s)`}
            </Line>
            {env.driftedResources.slice(0, limit).map(r => (
              <Typography key={r.address} variant="caption" display="block" color="textSecondary">
                {r.address} ({r.actions.join(', ')})
              </Typography>
            ))}
          </Box>
        ))}
      </Kind>
      <Kind title="GitOps" status={gitops.status} lastCheckedAt={gitops.lastCheckedAt}>
        {gitops.status === 'not-configured' && (
          <Line>Add the {ANNOTATIONS.ARGOCD_APP_NAME} annotation naming the entity's Argo CD Application.</Line>
        )}
        {gitops.applications.slice(0, limit).map(app => (
          <Line key={`${app.cluster ?? ''}/${app.namespace}/${app.name}`}>
            <SeverityLabel level={levelOf(app.syncStatus)}>
              {app.name}: {app.syncStatus}
            </SeverityLabel>
            , health{' '}
            <SeverityLabel level={levelOf(app.healthStatus)}>{app.healthStatus}</SeverityLabel>
            {app.revision ? ` at ${app.revision.slice(0, 7)}` : ''}
          </Line>
        ))}
      </Kind>
      <Kind title="Data" status={data.status} lastCheckedAt={data.lastCheckedAt}>
        {data.status === 'no-data' || data.status === 'not-configured' ? (
          <Line>
            Needs telemetry of the entity's nodes: the last 24 hours are compared with the 7 days
            before (PSI, Kolmogorov–Smirnov, Jensen–Shannon).
          </Line>
        ) : (
          [...data.series]
            .sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1))
            .slice(0, limit)
            .map(s => (
              <Line key={`${s.node}/${s.metric}`}>
                <SeverityLabel level={levelOf(s.status)}>
                  {s.node} {s.metric}: {s.status}
                </SeverityLabel>{' '}
                <Typography variant="caption" color="textSecondary" component="span">
                  PSI {num(s.psi, 2)}, KS {num(s.ks, 2)}
                  {s.ksRejects ? ' (differs)' : ''}, JS {num(s.jsDistance, 2)}
                </Typography>
              </Line>
            ))
        )}
      </Kind>
    </>
  );
}

function DriftCardContent(props: DriftCardProps) {
  const { entity } = useEntity();
  const data = useEntityDrift(getCompoundEntityRef(entity));
  return (
    <ReliabilityCard
      title="Drift"
      data={data}
      variant={props.variant}
    >
      {value => <DriftDetails value={value} expanded={props.expanded} />}
    </ReliabilityCard>
  );
}

/**
 * Infrastructure (Terraform), GitOps (Argo CD) and data drift of the entity, each with its
 * status, last check and details. Reads `github.com/project-slug` and `argocd/app-name`.
 *
 * @public
 */
export function DriftCard(props: DriftCardProps) {
  const { entity } = useEntity();
  if (!isDriftAvailable(entity)) {
    return (
      <MissingAnnotationCard
        title="Drift"
        annotations={CARD_ANNOTATIONS.drift}
        variant={props.variant}
      />
    );
  }
  return <DriftCardContent {...props} />;
}
