import { ClickHouseClient, Connection, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { migrations } from '../ClickHouseStore/migrations';

/**
 * An embedded ClickHouse (chdb) in a fresh temp directory with every migration applied, for tests
 * of the delivery-signal services. One per test file: chdb allows one data directory per process.
 */
export async function createTestClickHouse(prefix: string): Promise<{
  client: ClickHouseClient;
  database: string;
  cleanup(): Promise<void>;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const connection = createChdbConnection({
    path: dir,
  }) as unknown as Connection<Readable>;
  const client = createClient({ connection });
  const database = 'reliability';
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  for (const migration of migrations) {
    for (const query of migration.up({
      database,
      onCluster: '',
      engine: (kind, args) => `${kind}(${args ?? ''})`,
    })) {
      await client.command({ query });
    }
  }
  return {
    client,
    database,
    async cleanup() {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
