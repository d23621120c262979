/*
 * Dry-run time per Software Template through the real scaffolder (`POST
 * /api/scaffolder/v2/dry-run` of an in-process backend with scaffolder-backend and the
 * golden-path module), the path `goldenpath dry-run` takes. Goal: ≤ 2 s per template.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/dry-run/run.ts [--runs N]
 *
 * Backend start-up is measured once and excluded from the per-template figures. Each template gets
 * one warm-up run (first use loads the action and validator code), then N measured runs (default
 * 5, at most 20). Prints one JSON line per template (min/median/max wall-clock ms and the median
 * CPU ms of this process, which is stable on a shared, loaded machine) and the goal verdict.
 */
import os from 'node:os';
import path from 'node:path';
import {
  applyParameterDefaults,
  loadTemplateSource,
  loadValues,
  ScaffolderDryRunClient,
  startInProcessScaffolder,
} from '@goldenpath/cli';

const TEMPLATES = ['golden-path-service', 'validator-node'];
const GOAL_MS = 2000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const runsArg = process.argv.indexOf('--runs');
  const runs = Math.min(20, Math.max(1, runsArg > 0 ? Number(process.argv[runsArg + 1]) || 5 : 5));
  const root = path.resolve(__dirname, '../..');

  const startedAt = Date.now();
  const backend = await startInProcessScaffolder();
  const startupMs = Date.now() - startedAt;
  console.log(JSON.stringify({ bench: 'dry-run', startupMs, runs, cpus: os.cpus().length, loadavg: os.loadavg()[0] }));

  let allWithinGoal = true;
  try {
    const client = ScaffolderDryRunClient.create({ baseUrl: backend.baseUrl, token: backend.token });
    for (const name of TEMPLATES) {
      const source = await loadTemplateSource(path.join(root, 'templates', name));
      const given = await loadValues(path.join(root, 'templates', name, 'examples/values.yaml'));
      const { values } = applyParameterDefaults(source.template, given);
      const request = { template: source.template, values, directoryContents: source.directoryContents };

      const warmStart = Date.now();
      await client.dryRun(request);
      const warmupMs = Date.now() - warmStart;

      const wall: number[] = [];
      const cpu: number[] = [];
      let files = 0;
      for (let i = 0; i < runs; i++) {
        const cpuStart = process.cpuUsage();
        const t = process.hrtime.bigint();
        const response = await client.dryRun(request);
        wall.push(Number(process.hrtime.bigint() - t) / 1e6);
        const used = process.cpuUsage(cpuStart);
        cpu.push((used.user + used.system) / 1000);
        files = response.directoryContents.length;
      }
      const medianMs = Math.round(median(wall));
      allWithinGoal &&= medianMs <= GOAL_MS;
      console.log(
        JSON.stringify({
          template: name,
          files,
          warmupMs,
          minMs: Math.round(Math.min(...wall)),
          medianMs,
          maxMs: Math.round(Math.max(...wall)),
          medianCpuMs: Math.round(median(cpu)),
          goalMs: GOAL_MS,
          withinGoal: medianMs <= GOAL_MS,
        }),
      );
    }
  } finally {
    await backend.stop();
  }
  console.log(allWithinGoal ? 'dry-run bench: every template within 2 s (median)' : 'dry-run bench: GOAL MISSED');
  process.exit(allWithinGoal ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(2);
});
