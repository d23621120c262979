/*
 * Throughput of `goldenpath:manifests:validate`'s engine over the k8s-manifests corpus
 * (shared/datasets/k8s-manifests): reading, YAML/JSON parsing and schema validation.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/manifests/run.ts [corpusDir] [--seconds N]
 *
 * Prints one JSON line with the corpus counts and two throughputs, each as wall clock and per
 * CPU-second of this process (the latter is steadier on a shared, loaded machine):
 * - documents/s: every non-empty YAML/JSON document parsed, including the ones skipped
 *   (no schema, not Kubernetes) and the ones that fail to validate;
 * - validated objects/s: objects checked against a schema (the figure the issue's goal is about).
 * Both include reading the files and parsing them. The 1-minute load average is printed next
 * to them: a figure taken with a load above 2.5 says more about the neighbours than the code.
 *
 * What it models: one backend process running `goldenpath:manifests:validate` again and again.
 * Every pass is one action run: a fresh `ManifestValidator` (so CRDs found in one run never
 * leak into the next) over files read from disk. What a backend keeps between runs, the bench
 * keeps too: the model registry (scanned once per process) and the generated validator modules
 * (loaded on first use). The first pass pays for both and for cold JIT; it is printed apart as
 * `coldPassMs` (wall) and `coldPassCpuMs`, and left out of the throughputs.
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

  // The file list is taken once; every pass reads the contents again, as every action run does.
  const files = paths.map(p => ({ absolute: p, relative: path.relative(root, p) }));
  const readAll = () => files.map(f => ({ path: f.relative, content: fs.readFileSync(f.absolute, 'utf8') }));

  // Cold pass: the first action run of a fresh process (registry scan, validator modules, JIT).
  const coldCpuStart = process.cpuUsage();
  const coldStart = performance.now();
  const validator = ManifestValidator.create();
  const createMs = performance.now() - coldStart;
  const warm = await validator.validateFiles(readAll());
  const coldPassMs = performance.now() - coldStart;
  const coldCpu = process.cpuUsage(coldCpuStart);

  let passes = 0;
  let documents = 0;
  let validated = 0;
  let createMsTotal = 0;
  const loadStart = os.loadavg()[0];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || passes === 0) {
    // One action run: a fresh validator, so CRDs registered in the previous pass do not carry over.
    const createAt = performance.now();
    const v = ManifestValidator.create();
    createMsTotal += performance.now() - createAt;
    const report = await v.validateFiles(readAll());
    documents += report.documents;
    validated += report.validated;
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
      coldPassMs: Math.round(coldPassMs),
      coldPassCpuMs: Math.round((coldCpu.user + coldCpu.system) / 1000),
      passes,
      msPerPass: Number(((elapsedS * 1000) / passes).toFixed(1)),
      createMsPerPass: Number((createMsTotal / passes).toFixed(2)),
      elapsedS: Number(elapsedS.toFixed(2)),
      cpuS: Number(cpuS.toFixed(2)),
      documentsPerSecond: Math.round(documents / elapsedS),
      documentsPerCpuSecond: Math.round(documents / cpuS),
      validatedPerSecond: Math.round(validated / elapsedS),
      validatedPerCpuSecond: Math.round(validated / cpuS),
      loadAverage1mStart: Number(loadStart.toFixed(1)),
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
