export {
  ClickHouseStore,
  clickHouseStoreServiceRef,
  createEmbeddedClickHouseClient,
  DEFAULT_DATABASE,
  DEFAULT_EMBEDDED_PATH,
} from './ClickHouseStore';
export type { ClickHouseStoreClientOptions } from './ClickHouseStore';
export { mapClickHouseError } from './errors';
export { migrations } from './migrations';
export type { Migration, MigrationContext, MergeTreeKind } from './migrations';
