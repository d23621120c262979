/*
 * Throughput of `goldenpath:manifests:validate`'s engine over the k8s-manifests corpus
 * (shared/datasets/k8s-manifests): reading, YAML/JSON parsing and schema validation.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/manifests/run.ts [corpusDir] [--seconds N]
 *
 * Prints one JSON line with documents, objects, errors, elapsed time, manifests/s (wall clock)
 * and manifests per CPU-second of this process (stable on a shared, loaded machine).
 * Bounded: runs whole passes over the corpus until --seconds (default 10) have elapsed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManifestValidator } from '../../plugins/scaffolder-backend-module-golden-path/src/validation/ManifestValidator';

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(e.name) && e.name !== 'index.json') out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

async function main() {
  const args = process.argv.slice(2);
  const secondsIdx = args.indexOf('--seconds');
  const seconds = secondsIdx >= 0 ? Number(args[secondsIdx + 1]) : 10;
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--seconds');
  const root = path.resolve(positional[0] ?? path.join(__dirname, '../../../shared/datasets/k8s-manifests'));
  const paths = listFiles(root);

  const createStart = performance.now();
  const validator = ManifestValidator.create();
  const createMs = performance.now() - createStart;

  // Warm-up pass (loads the generated validators once), not timed.
  const readAll = () =>
    paths.map(p => ({ path: path.relative(root, p), content: fs.readFileSync(p, 'utf8') }));
  const warm = await validator.validateFiles(readAll());

  let passes = 0;
  let documents = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || passes === 0) {
    // Each pass uses a fresh validator so CRDs registered in the previous pass do not carry over.
    const v = ManifestValidator.create();
    const report = await v.validateFiles(readAll());
    documents += report.documents;
    passes += 1;
  }
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of this process: on a shared machine wall-clock throughput mostly measures the neighbours.
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      corpus: root,
      files: paths.length,
      documentsPerPass: warm.documents,
      validatedPerPass: warm.validated,
      skippedPerPass: warm.skipped.length,
      errorsPerPass: warm.errors.length,
      filesWithErrors: [...new Set(warm.errors.map(e => e.file))].length,
      createMs: Math.round(createMs),
      passes,
      elapsedS: Number(elapsedS.toFixed(2)),
      manifestsPerSecond: Math.round(documents / elapsedS),
      cpuS: Number(cpuS.toFixed(2)),
      manifestsPerCpuSecond: Math.round(documents / cpuS),
      loadAverage1m: Number(os.loadavg()[0].toFixed(1)),
    }),
  );
  if (process.env.BENCH_VERBOSE) {
    for (const e of warm.errors) console.log(`${e.file}#${e.document} ${e.object ?? ''} ${e.path}: ${e.message}`);
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
