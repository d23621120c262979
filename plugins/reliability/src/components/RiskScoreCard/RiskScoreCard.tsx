import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATIONS,
  EntityRiskResponse,
  NodeRisk,
  RiskDetector,
} from '@goldenpath/plugin-reliability-common';
import { useEntityRisk, useNow } from '../../hooks';
import { CARD_ANNOTATIONS, isRiskScoreAvailable } from '../../predicates';
import {
  ago,
  levelOf,
  num,
  MissingAnnotationCard,
  ReliabilityCard,
  SeverityLabel,
  shortTime,
  Sparkline,
  TrendChart,
} from '../common';

/**
 * Display names of the four detectors.
 * @public
 */
export const DETECTOR_TITLES: Record<RiskDetector, string> = {
  consensus: 'Consensus desync',
  hardware: 'Hardware starvation & thermal',
  storage: 'Storage I/O degradation',
  p2p: 'P2P eclipsing & isolation',
};

/**
 * Props of {@link RiskScoreCard}.
 * @public
 */
export interface RiskScoreCardProps {
  variant?: 'gridItem' | 'fullHeight';
  /** Show every node in full with larger charts (the Reliability tab); default: riskiest node in full, others as one line. */
  expanded?: boolean;
}

/** Level of a detector score in [0, 1]: the composite bands' 40/70 cut points on its own scale. */
function detectorLevel(score: number): 'ok' | 'warning' | 'critical' {
  if (score >= 0.7) return 'critical';
  if (score >= 0.4) return 'warning';
  return 'ok';
}

/** Nodes ordered riskiest first (composite, then the node name for a stable order). */
function riskiestFirst(nodes: NodeRisk[]): NodeRisk[] {
  return [...nodes].sort(
    (a, b) => b.composite.score - a.composite.score || a.node.localeCompare(b.node),
  );
}

function trendLabel(node: NodeRisk): string {
  const t = node.trend ?? [];
  if (t.length === 0) return `No 24-hour trend for ${node.node} yet`;
  const first = t[0].composite;
  const last = t[t.length - 1].composite;
  const max = Math.max(...t.map(p => p.composite));
  return `24-hour composite risk trend of ${node.node}: ${num(first, 0)} to ${num(last, 0)}, peak ${num(max, 0)}`;
}

function NodeRiskDetails(props: { node: NodeRisk; expanded?: boolean }) {
  const { node, expanded } = props;
  const now = useNow(10_000);
  const points = (node.trend ?? []).map(p => ({ x: p.ts, y: p.composite }));
  return (
    <Box mb={2} aria-label={`Risk of ${node.node}`} component="section">
      <Box display="flex" alignItems="baseline" flexWrap="wrap" style={{ gap: 12 }}>
        <Typography variant="h4" component="p" aria-label={`Composite risk ${num(node.composite.score, 0)} of 100`}>
          {num(node.composite.score, 0)}
          <Typography variant="body2" component="span" color="textSecondary">
            {' '}/ 100
          </Typography>
        </Typography>
        <SeverityLabel level={levelOf(node.composite.band)}>{node.composite.band}</SeverityLabel>
        <Typography variant="body2">
          {node.node}{' '}
          <Typography variant="caption" color="textSecondary" component="span">
            ({node.cluster}/{node.namespace})
          </Typography>
        </Typography>
        {node.stale && (
          <SeverityLabel level="unknown">stale: last seen {ago(node.lastSeen, now)}</SeverityLabel>
        )}
      </Box>
      <Table size="small" aria-label={`Detectors of ${node.node}`}>
        <TableBody>
          {node.detectors.map(d => {
            const contribution = node.composite.contributions.find(c => c.detector === d.detector);
            return (
              <TableRow key={d.detector}>
                <TableCell>{DETECTOR_TITLES[d.detector]}</TableCell>
                <TableCell>
                  <SeverityLabel level={detectorLevel(d.score)}>
                    {num(d.score * 100, 0)}%
                  </SeverityLabel>
                </TableCell>
                <TableCell>
                  {d.reason}
                  {contribution ? (
                    <Typography variant="caption" color="textSecondary" component="span">
                      {' '}(+{num(contribution.contribution)} points)
                    </Typography>
                  ) : null}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {expanded ? (
        <TrendChart
          label={trendLabel(node)}
          domain={[0, 100]}
          formatX={shortTime}
          series={[
            { name: 'composite', points },
            ...(['consensus', 'hardware', 'storage', 'p2p'] as const).map(det => ({
              name: det,
              points: (node.trend ?? []).map(p => ({ x: p.ts, y: (p.detectors[det] ?? 0) * 100 })),
            })),
          ]}
        />
      ) : (
        <Box mt={1}>
          <Typography variant="caption" color="textSecondary">
            Last 24 hours
          </Typography>
          <Sparkline points={points} label={trendLabel(node)} domain={[0, 100]} />
        </Box>
      )}
    </Box>
  );
}

/** The risk card's body (the tab shows it expanded). */
function RiskDetails(props: { value: EntityRiskResponse; expanded?: boolean }) {
  const nodes = riskiestFirst(props.value.nodes);
  const [top, ...rest] = nodes;
  if (props.expanded) {
    return (
      <>
        {nodes.map(n => (
          <NodeRiskDetails key={`${n.cluster}/${n.namespace}/${n.node}`} node={n} expanded />
        ))}
      </>
    );
  }
  return (
    <>
      <NodeRiskDetails node={top} />
      {rest.length > 0 && (
        <Table size="small" aria-label="Other nodes">
          <TableBody>
            {rest.map(n => (
              <TableRow key={`${n.cluster}/${n.namespace}/${n.node}`}>
                <TableCell>{n.node}</TableCell>
                <TableCell>{num(n.composite.score, 0)} / 100</TableCell>
                <TableCell>
                  <SeverityLabel level={levelOf(n.composite.band)}>{n.composite.band}</SeverityLabel>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        Bands:{' '}
        {props.value.bands.map(b => `${b.name} ${b.min}–${b.max}`).join(', ')}
      </Typography>
    </>
  );
}

function RiskScoreCardContent(props: RiskScoreCardProps) {
  const { entity } = useEntity();
  const data = useEntityRisk(getCompoundEntityRef(entity));
  return (
    <ReliabilityCard
      title="Risk score"
      data={data}
      variant={props.variant}
      noData={value =>
        value.nodes.length === 0
          ? {
              title: `No telemetry for ${value.component ?? 'this entity'} yet`,
              howToSend: `The validator operator writes telemetry for nodes labelled ${ANNOTATIONS.KUBERNETES_ID}=${value.component ?? '<id>'}. To send it yourself, POST rows to /api/reliability/telemetry with a backend.auth.externalAccess token, or load the demo with examples/loaders/load-demo-telemetry.ts.`,
            }
          : undefined
      }
    >
      {value => <RiskDetails value={value} expanded={props.expanded} />}
    </ReliabilityCard>
  );
}

/**
 * Composite validator risk of the entity's nodes, riskiest first: the 0–100 score with its
 * band (text and icon), the four detector scores with their reasons and contributions, and a
 * 24-hour trend sparkline. Reads `backstage.io/kubernetes-id`.
 *
 * @public
 */
export function RiskScoreCard(props: RiskScoreCardProps) {
  const { entity } = useEntity();
  if (!isRiskScoreAvailable(entity)) {
    return (
      <MissingAnnotationCard
        title="Risk score"
        annotations={CARD_ANNOTATIONS.riskScore}
        variant={props.variant}
      />
    );
  }
  return <RiskScoreCardContent {...props} />;
}
