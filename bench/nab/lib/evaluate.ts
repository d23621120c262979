import {
  PROFILE_NAMES,
  ProfileName,
  readDetectorRows,
  resultPath,
} from './corpus';
import {
  AnomalyWindow,
  CostProfile,
  FilePoints,
  normalisedScore,
  optimiseThreshold,
  preparePoints,
  scoreAtThreshold,
  ThresholdOutcome,
} from './scorer';

/**
 * A detector's NAB result for one profile over a corpus.
 *
 * @public
 */
export interface ProfileResult extends ThresholdOutcome {
  profile: ProfileName;
  /** `100 · (raw − raw_null) / (raw_perfect − raw_null)`. */
  normalised: number;
  windowCount: number;
  /** Raw score of each data file at the corpus-wide threshold. */
  perFile: Map<string, ThresholdOutcome>;
}

/**
 * Scores a detector's result files (NAB layout, see {@link resultPath})
 * against the labelled windows with every profile: one threshold per profile
 * for the whole corpus, optimised as NAB does.
 *
 * @param resultsRoot - folder holding `<category>/<detector>_<file>.csv`
 * @param detector - detector name used in the result file names
 * @param windows - data file → windows (`combined_windows.json`); every file
 *   listed is scored, so it must have a result file
 * @param profiles - the cost profiles
 * @throws Error when a result file is missing or malformed
 * @public
 */
export function evaluateDetector(
  resultsRoot: string,
  detector: string,
  windows: ReadonlyMap<string, AnomalyWindow[]>,
  profiles: Record<ProfileName, CostProfile>,
): ProfileResult[] {
  const files = [...windows.keys()].sort();
  const prepared = new Map<string, FilePoints>();
  for (const file of files) {
    const rows = readDetectorRows(resultPath(resultsRoot, detector, file));
    prepared.set(file, preparePoints(rows, windows.get(file) ?? []));
  }
  const windowCount = [...prepared.values()].reduce(
    (sum, f) => sum + f.windowCount,
    0,
  );
  return PROFILE_NAMES.map(profile => {
    const cost = profiles[profile];
    const best = optimiseThreshold([...prepared.values()], cost);
    const perFile = new Map<string, ThresholdOutcome>();
    for (const [file, points] of prepared) {
      perFile.set(file, scoreAtThreshold(points, best.threshold, cost));
    }
    return {
      ...best,
      profile,
      windowCount,
      normalised: normalisedScore(best.raw, windowCount, cost),
      perFile,
    };
  });
}

/**
 * Formats a detector's results as the benchmark prints them: one line per
 * profile (normalised score, threshold, raw score, windows detected, false
 * positive rows) and, when `perFile` is set, the standard profile's outcome
 * per data file.
 *
 * @public
 */
export function formatResults(
  detector: string,
  results: readonly ProfileResult[],
  windows: ReadonlyMap<string, AnomalyWindow[]>,
  perFile: boolean,
): string {
  const lines = results.map(
    r =>
      `${detector}  ${r.profile.padEnd(20)} score ${r.normalised
        .toFixed(2)
        .padStart(6)}  threshold ${r.threshold.toFixed(4)}  raw ${r.raw.toFixed(
        3,
      )}  windows detected ${r.windowsDetected}/${
        r.windowCount
      }  false-positive rows ${r.fp}`,
  );
  if (perFile && results.length > 0) {
    const first = results[0];
    lines.push('', `per file at the ${first.profile} threshold:`);
    for (const [file, o] of first.perFile) {
      lines.push(
        `  ${file.padEnd(60)} raw ${o.raw.toFixed(3).padStart(7)}  windows ${
          o.windowsDetected
        }/${windows.get(file)?.length ?? 0}  fp ${o.fp}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
