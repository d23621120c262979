import type { ReactNode } from 'react';
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
  ANNOTATIONS,
  ClusterHealth,
  EntityHealthResponse,
  getKubernetesId,
} from '@goldenpath/plugin-reliability-common';
import { useEntityHealth, useNow } from '../../hooks';
import { CARD_ANNOTATIONS, isNodeHealthAvailable } from '../../predicates';
import { ago, levelOf, num, MissingAnnotationCard, ReliabilityCard, SeverityLabel } from '../common';

/**
 * Props of {@link NodeHealthCard}.
 * @public
 */
export interface NodeHealthCardProps {
  /** `fullHeight` in the Reliability tab. */
  variant?: 'gridItem' | 'fullHeight';
}

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function quorumText(cluster: ClusterHealth): ReactNode {
  const q = cluster.quorum;
  if (!q || q.controlPlaneNodes === 0) {
    return (
      <SeverityLabel level="unknown">
        {cluster.name}: control plane not visible (managed cluster)
      </SeverityLabel>
    );
  }
  return (
    <SeverityLabel level={q.hasQuorum ? levelOf(q.summary.severity) : 'critical'}>
      {cluster.name}: {q.hasQuorum ? 'quorum' : 'no quorum'}, {q.readyControlPlaneNodes}/
      {q.controlPlaneNodes} control-plane nodes ready (majority {q.majority}, tolerates{' '}
      {q.toleratedFailures} more failure{q.toleratedFailures === 1 ? '' : 's'})
    </SeverityLabel>
  );
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, ok: 2 };

/** Worst severity first, then by name, so the node that needs attention is on top. */
function worstFirst<T extends { name: string; summary: { severity: string } }>(items: T[]): T[] {
  return [...items].sort(
    (a, b) =>
      (SEVERITY_RANK[a.summary.severity] ?? 3) - (SEVERITY_RANK[b.summary.severity] ?? 3) ||
      a.name.localeCompare(b.name),
  );
}

/** The health card's body (the tab shows it expanded). */
function NodeHealthDetails(props: { value: EntityHealthResponse }) {
  const { value } = props;
  const now = useNow();
  return (
    <>
      <SeverityLabel level={levelOf(value.summary.severity)}>
        {value.summary.reason}
      </SeverityLabel>
      {value.validatorNodes.length > 0 && (
        <Section title="Validator nodes">
          <Table size="small" aria-label="Validator nodes">
            <TableHead>
              <TableRow>
                <TableCell>Node</TableCell>
                <TableCell>Phase</TableCell>
                <TableCell>Lag / limit</TableCell>
                <TableCell>Peers</TableCell>
                <TableCell>Restarts / budget</TableCell>
                <TableCell>Last probe</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {worstFirst(value.validatorNodes).map(n => (
                <TableRow key={`${n.cluster}/${n.namespace}/${n.name}`}>
                  <TableCell>
                    <SeverityLabel level={levelOf(n.summary.severity)}>{n.name}</SeverityLabel>
                    {n.summary.severity !== 'ok' && (
                      <Typography variant="caption" display="block" color="textSecondary">
                        {n.summary.reason}
                        {n.summary.suggestedAction ? ` — ${n.summary.suggestedAction}` : ''}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{n.phase ?? 'unknown'}</TableCell>
                  <TableCell>
                    {num(n.blockLag, 0)} / {n.maxBlockLag} blocks
                  </TableCell>
                  <TableCell>{num(n.peers, 0)}</TableCell>
                  <TableCell>
                    {n.restartCount} / {n.maxRestartAttempts}
                  </TableCell>
                  <TableCell>{ago(n.lastProbeTime, now)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      )}
      {value.pods.length > 0 && (
        <Section title="Pods">
          <Table size="small" aria-label="Pods">
            <TableBody>
              {worstFirst(value.pods).map(p => (
                <TableRow key={`${p.cluster}/${p.namespace}/${p.name}`}>
                  <TableCell>
                    <SeverityLabel level={levelOf(p.summary.severity)}>{p.name}</SeverityLabel>
                  </TableCell>
                  <TableCell>
                    {p.phase ?? 'unknown'}
                    {p.ready ? ', ready' : ', not ready'}
                    {p.waitingReason ? `, ${p.waitingReason}` : ''}
                    {p.lastTerminationReason ? ` (last: ${p.lastTerminationReason})` : ''}
                  </TableCell>
                  <TableCell>{p.restarts} restarts</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      )}
      {value.nodes.length > 0 && (
        <Section title="Kubernetes nodes">
          <Table size="small" aria-label="Kubernetes nodes">
            <TableBody>
              {worstFirst(value.nodes).map(k => {
                const conditions = [
                  k.memoryPressure && 'MemoryPressure',
                  k.diskPressure && 'DiskPressure',
                  k.pidPressure && 'PIDPressure',
                  k.networkUnavailable && 'NetworkUnavailable',
                  k.cordoned && 'cordoned',
                ].filter(Boolean);
                return (
                  <TableRow key={`${k.cluster}/${k.name}`}>
                    <TableCell>
                      <SeverityLabel level={levelOf(k.summary.severity)}>{k.name}</SeverityLabel>
                    </TableCell>
                    <TableCell>Ready {k.ready}</TableCell>
                    <TableCell>{conditions.length ? conditions.join(', ') : 'no pressure'}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Section>
      )}
      {value.clusters.length > 0 && (
        <Section title="Quorum">
          {value.clusters.map(c => (
            <Typography variant="body2" key={c.name}>
              {quorumText(c)}
            </Typography>
          ))}
        </Section>
      )}
    </>
  );
}

function NodeHealthCardContent(props: NodeHealthCardProps) {
  const { entity } = useEntity();
  const data = useEntityHealth(getCompoundEntityRef(entity));
  const id = getKubernetesId(entity);
  return (
    <ReliabilityCard
      title="Node health"
      data={data}
      live={data.live}
      variant={props.variant}
      noData={value => {
        if (value.state !== 'ok') {
          return {
            title:
              value.state === 'no-clusters-configured'
                ? 'No Kubernetes clusters configured'
                : 'No Kubernetes annotation',
            howToSend:
              value.message ??
              'Add clusters under kubernetes.clusterLocatorMethods in app-config.yaml.',
          };
        }
        if (value.validatorNodes.length + value.pods.length + value.nodes.length === 0) {
          return {
            title: 'No Kubernetes objects found yet',
            howToSend: `Label the entity's ValidatorNode and pods with ${ANNOTATIONS.KUBERNETES_ID}=${id ?? '<id>'} (the validator-node template does this); they appear here as soon as the cluster informers see them.`,
          };
        }
        return undefined;
      }}
    >
      {value => <NodeHealthDetails value={value} />}
    </ReliabilityCard>
  );
}

/**
 * Live node health of the entity: per `ValidatorNode` its phase, block lag against
 * `maxBlockLag`, peers, restarts against `maxRestartAttempts`; pod and Kubernetes node
 * conditions; control-plane quorum per cluster; "updated N s ago", refreshed through Signals.
 * Reads `backstage.io/kubernetes-id` (or `backstage.io/kubernetes-label-selector`).
 *
 * @public
 */
export function NodeHealthCard(props: NodeHealthCardProps) {
  const { entity } = useEntity();
  if (!isNodeHealthAvailable(entity)) {
    return (
      <MissingAnnotationCard
        title="Node health"
        annotations={CARD_ANNOTATIONS.nodeHealth}
        variant={props.variant}
      />
    );
  }
  return <NodeHealthCardContent {...props} />;
}
