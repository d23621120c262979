export {
  AUTO_MERGE_REVOCATION,
  DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
  DoraService,
  doraServiceRef,
} from './DoraService';
export { deploymentStatsSql, leadTimeSql, timeToRestoreSql } from './doraSql';
