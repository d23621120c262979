/**
 * Goldenpath reliability backend plugin: ClickHouse store and migrations,
 * telemetry ingestion (`TelemetryWriter`, also the library entry point the
 * validator operator uses), risk detectors and the HTTP routes under
 * `/api/reliability`.
 *
 * @packageDocumentation
 */
export { reliabilityPlugin as default } from './plugin';
export { createRouter } from './router';
export type { RouterOptions } from './router';
export {
  ClickHouseStore,
  clickHouseStoreServiceRef,
  createEmbeddedClickHouseClient,
  mapClickHouseError,
  migrations,
} from './services/ClickHouseStore';
export type {
  ClickHouseStoreClientOptions,
  Migration,
  MigrationContext,
  MergeTreeKind,
} from './services/ClickHouseStore';
export { TelemetryWriter, telemetryWriterServiceRef } from './services/Telemetry';
export type { TelemetryWriteResult } from './services/Telemetry';
export {
  RiskService,
  riskServiceRef,
  DEFAULT_RISK_CONFIG,
  readRiskConfig,
  validateBands,
} from './services/RiskService';
export type { RiskConfig, RiskThresholds } from './services/RiskService';
