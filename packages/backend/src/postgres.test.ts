import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import fs from 'fs';
import path from 'path';
import { Client } from 'pg';
import request from 'supertest';
import YAML from 'yaml';
import catalogPlugin from '@backstage/plugin-catalog-backend';

const postgresUrl = process.env.GOLDENPATH_TEST_POSTGRES_URL;
const repoRoot = path.resolve(__dirname, '../../..');

if (!postgresUrl) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the PostgreSQL start-up test: GOLDENPATH_TEST_POSTGRES_URL is not set. ' +
      '`make test` sets it when the PostgreSQL server binaries are installed (apt-get install -y postgresql).',
  );
}

const describeWithPostgres = postgresUrl ? describe : describe.skip;

describeWithPostgres('backend on PostgreSQL (app-config.production.yaml)', () => {
  const productionConfig = YAML.parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8'),
  );

  it('should configure the pg client in app-config.production.yaml', () => {
    expect(productionConfig.backend.database.client).toBe('pg');
    expect(Object.keys(productionConfig.backend.database.connection).sort()).toEqual(
      ['host', 'password', 'port', 'user'],
    );
  });

  it('should start the catalog on PostgreSQL and store entities there', async () => {
    const url = new URL(postgresUrl!);
    const connection = {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        databaseServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              database: { ...productionConfig.backend.database, connection, prefix: 'goldenpath_pgtest_' },
            },
            catalog: {
              rules: [{ allow: ['Component', 'System', 'Group', 'User', 'Location'] }],
              processingInterval: { seconds: 1 },
              locations: [
                { type: 'file', target: path.join(repoRoot, 'examples/systems.yaml') },
              ],
            },
          },
        }),
      ],
    });
    try {
      let names: string[] = [];
      for (let attempt = 0; attempt < 60 && !names.includes('validator-platform'); attempt++) {
        const res = await request(backend.server)
          .get('/api/catalog/entities?filter=kind=system')
          .set('Authorization', mockCredentials.user.header());
        expect(res.status).toBe(200);
        names = res.body.map((e: any) => e.metadata.name);
        if (!names.includes('validator-platform')) await new Promise(r => setTimeout(r, 500));
      }
      expect(names).toEqual(expect.arrayContaining(['validator-platform', 'payments']));

      const pg = new Client({ ...connection, database: 'goldenpath_pgtest_catalog' });
      await pg.connect();
      try {
        const rows = await pg.query(
          "select count(*)::int as n from final_entities where final_entity like '%validator-platform%'",
        );
        expect(rows.rows[0].n).toBe(1);
      } finally {
        await pg.end();
      }
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
