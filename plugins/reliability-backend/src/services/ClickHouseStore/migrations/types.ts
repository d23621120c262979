/**
 * Table engine families the migrations may ask for. With a cluster
 * configured each becomes its `Replicated…` variant.
 *
 * @public
 */
export type MergeTreeKind =
  | 'MergeTree'
  | 'ReplacingMergeTree'
  | 'AggregatingMergeTree';

/**
 * What a migration needs to write DDL that runs unchanged on the embedded
 * engine, a single server and a cluster.
 *
 * @public
 */
export interface MigrationContext {
  /** Database name, already validated as a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`). */
  database: string;
  /** `''` or `' ON CLUSTER <name>'`, to append after the object name in DDL. */
  onCluster: string;
  /**
   * Engine clause for a table: `MergeTree()` (or with `args`) without a cluster,
   * `ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}'[, args])`
   * with one.
   *
   * @param kind - engine family
   * @param args - engine arguments, e.g. the version column of a ReplacingMergeTree
   */
  engine(kind: MergeTreeKind, args?: string): string;
}

/**
 * One versioned schema change. `up` returns DDL statements that the runner
 * executes in order; write them idempotently (`IF NOT EXISTS`) so a migration
 * interrupted half way can run again.
 *
 * @public
 */
export interface Migration {
  /** Strictly increasing positive integer, equal to the `NNNN` of the file name. */
  version: number;
  /** Short snake_case name, recorded next to the version. */
  name: string;
  /** DDL statements, one per array entry, without trailing semicolons. */
  up(ctx: MigrationContext): string[];
}
