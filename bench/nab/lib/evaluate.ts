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
