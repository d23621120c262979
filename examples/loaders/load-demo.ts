/*
 * Loads every piece of demo data into a running Goldenpath backend; `make start` runs it once the
 * backend is ready. Each loader is idempotent, so a restart does not double-count anything.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs examples/loaders/load-demo.ts \
 *     --backend http://127.0.0.1:7007 --token <external-access token>
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const LOADERS = ['load-demo-telemetry.ts', 'load-demo-delivery.ts'];

function main(): number {
  const args = process.argv.slice(2);
  let failures = 0;
  for (const loader of LOADERS) {
    const file = resolve(__dirname, loader);
    if (!existsSync(file)) continue;
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), file, ...args],
      { stdio: 'inherit' },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.status === 0) {
      process.stdout.write(`demo data: ${loader} done in ${seconds}s\n`);
    } else {
      failures += 1;
      process.stderr.write(`demo data: ${loader} failed (exit ${result.status}) after ${seconds}s\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

process.exit(main());
