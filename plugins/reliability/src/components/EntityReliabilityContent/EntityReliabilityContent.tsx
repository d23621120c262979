import Grid from '@material-ui/core/Grid';
import { NodeHealthCard } from '../NodeHealthCard';
import { RiskScoreCard } from '../RiskScoreCard';
import { DriftCard } from '../DriftCard';
import { CostDeltaCard } from '../CostDeltaCard';
import { DoraMetricsCard } from '../DoraMetricsCard';

/**
 * The entity's Reliability tab: the same data as the five cards with larger charts and
 * every node, resource and series listed.
 *
 * @public
 */
export function EntityReliabilityContent() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} lg={6}>
        <RiskScoreCard variant="fullHeight" expanded />
      </Grid>
      <Grid item xs={12} lg={6}>
        <NodeHealthCard variant="fullHeight" />
      </Grid>
      <Grid item xs={12} lg={6}>
        <DoraMetricsCard variant="fullHeight" />
      </Grid>
      <Grid item xs={12} lg={6}>
        <CostDeltaCard variant="fullHeight" expanded />
      </Grid>
      <Grid item xs={12}>
        <DriftCard variant="fullHeight" expanded />
      </Grid>
    </Grid>
  );
}
