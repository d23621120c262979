import { Migration } from './types';
import { migration as telemetry } from './0001_telemetry';
import { migration as deliveryEvents } from './0002_delivery_events';
import { migration as costReports } from './0003_cost_reports';
import { migration as driftReports } from './0004_drift_reports';
import { migration as riskScores } from './0005_risk_scores';
import { migration as riskLatest } from './0006_risk_latest';
import { migration as riskScoresDetectors } from './0007_risk_scores_detectors';
import { migration as riskNodeState } from './0008_risk_node_state';
import { migration as riskNodeStatePayload } from './0009_risk_node_state_payload';
import { migration as deliveryInbox } from './0010_delivery_inbox';

export type { Migration, MigrationContext, MergeTreeKind } from './types';

/**
 * Every migration of the reliability database, in version order.
 * Append new ones at the end; never edit an applied one.
 *
 * @public
 */
export const migrations: Migration[] = [
  telemetry,
  deliveryEvents,
  costReports,
  driftReports,
  riskScores,
  riskLatest,
  riskScoresDetectors,
  riskNodeState,
  riskNodeStatePayload,
  deliveryInbox,
];
