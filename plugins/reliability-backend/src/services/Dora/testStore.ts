import { ClickHouseClient, createClient } from '@clickhouse/client';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createChdbConnection } from 'chdb/connection';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseStore } from '../ClickHouseStore';

/**
 * An embedded ClickHouse (chdb) in a fresh temp directory, migrated by the plugin's own runner, for
 * tests of the delivery-signal services. One per test file: chdb allows one data directory per
 * process.
 * @internal
 */
export async function createTestClickHouse(prefix: string): Promise<{
  client: ClickHouseClient;
  database: string;
  cleanup(): Promise<void>;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  // chdb types its connection against another copy of @clickhouse/client-common; same runtime shape.
  const connection = createChdbConnection({ path: dir }) as unknown as NonNullable<
    NonNullable<Parameters<typeof createClient>[0]>['connection']
  >;
  const client = createClient({ connection });
  const quiet: LoggerService = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child: () => quiet,
  };
  const store = ClickHouseStore.fromClient({ client, database: 'reliability', logger: quiet });
  await store.migrate();
  return {
    client: store.client,
    database: store.database,
    async cleanup() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
