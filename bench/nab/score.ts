/*
 * Scores existing NAB result files (any detector) with the NAB rules:
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/nab/score.ts \
 *     --results DIR --detector NAME [--windows FILE] [--profiles FILE] [--verbose]
 *
 * e.g. `--results ../shared/datasets/nab/results/numenta --detector numenta`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readProfiles, readWindows } from './lib/corpus';
import { evaluateDetector, formatResults } from './lib/evaluate';

const DATASET = path.resolve(
  __dirname,
  '../../..',
  'shared',
  'datasets',
  'nab',
);

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      results: { type: 'string' },
      detector: { type: 'string' },
      windows: {
        type: 'string',
        default: path.join(DATASET, 'combined_windows.json'),
      },
      profiles: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!values.results || !values.detector) {
    throw new Error('--results DIR and --detector NAME are required');
  }
  const windowsFile = path.resolve(values.windows!);
  const windows = readWindows(windowsFile);
  const profiles = readProfiles(
    path.resolve(
      values.profiles ?? path.join(path.dirname(windowsFile), 'profiles.json'),
    ),
  );
  const results = evaluateDetector(
    path.resolve(values.results),
    values.detector,
    windows,
    profiles,
  );
  process.stdout.write(
    formatResults(values.detector, results, windows, values.verbose!),
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
