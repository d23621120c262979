/**
 * Scoring rules of the Numenta Anomaly Benchmark (NAB), as written in
 * `shared/datasets/nab/README.md` and implemented by NAB's own `sweeper.py`
 * (Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms — the
 * Numenta Anomaly Benchmark", 2015, section "Scoring").
 */

/**
 * Weights of one NAB cost profile (`profiles.json` → `CostMatrix`).
 *
 * @public
 */
export interface CostProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/**
 * One detector output row of a data file.
 *
 * @public
 */
export interface DetectorRow {
  /** Milliseconds since the epoch (UTC). */
  timestamp: number;
  /** The detector's anomaly score, expected in [0, 1]. */
  anomalyScore: number;
}

/**
 * A labelled anomaly window, both ends inclusive, in epoch milliseconds.
 *
 * @public
 */
export interface AnomalyWindow {
  start: number;
  end: number;
}

/**
 * One scorable row (after the probationary period) with its unweighted
 * position value. `window` is the index of the window holding the row within
 * its file, or `undefined` outside every window.
 *
 * @public
 */
export interface ScoredPoint {
  anomalyScore: number;
  /** `sig(y)` for the row's scaled position (see {@link scaledSigmoid}). */
  unweighted: number;
  window?: number;
}

/**
 * The scorable points of one file plus its window count.
 *
 * @public
 */
export interface FilePoints {
  points: ScoredPoint[];
  windowCount: number;
}

/**
 * Outcome of one file (or a whole corpus) at one threshold. Counts are rows,
 * as in NAB's `*_scores.csv` (`TP`, `TN`, `FP`, `FN`).
 *
 * @public
 */
export interface ThresholdOutcome {
  threshold: number;
  raw: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  /** Windows with at least one detection (per file; corpus-wide in sweeps). */
  windowsDetected: number;
}

/**
 * NAB's probationary period: the first `min(floor(0.15 · n), 750)` rows of a
 * file of `n` rows are not scored.
 *
 * @public
 */
export function probationaryRows(rowCount: number): number {
  return Math.min(Math.floor(0.15 * rowCount), 750);
}

/**
 * NAB's scaled sigmoid: `2 / (1 + exp(5y)) − 1`, and `−1` when `y > 3`.
 * Positive near the start of a window (y ≈ −1 → 0.987), 0 at its end, and
 * falling towards −1 after it.
 *
 * @public
 */
export function scaledSigmoid(y: number): number {
  if (y > 3) {
    return -1;
  }
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * Assigns every scorable row its window and unweighted position value.
 *
 * Inside a window of width `w` rows whose last row has index `r`, row `i` has
 * `y = −(r − i + 1) / w`. Outside every window, a row before the first window
 * is worth `−1`; a later row uses the previous window's last index `r` and
 * width `w`: `y = |r − i| / (w − 1)`.
 *
 * @param rows - one file's detector output, sorted by timestamp
 * @param windows - that file's labelled windows, sorted and disjoint
 * @throws Error when a window contains no row of the file
 * @public
 */
export function preparePoints(
  rows: readonly DetectorRow[],
  windows: readonly AnomalyWindow[],
): FilePoints {
  const bounds = windows.map(w => {
    let first = -1;
    let last = -1;
    rows.forEach((row, i) => {
      if (row.timestamp >= w.start && row.timestamp <= w.end) {
        if (first < 0) first = i;
        last = i;
      }
    });
    if (first < 0) {
      throw new Error(
        `Anomaly window ${new Date(w.start).toISOString()}..${new Date(
          w.end,
        ).toISOString()} contains no data row`,
      );
    }
    return { first, last, width: last - first + 1 };
  });

  const probation = probationaryRows(rows.length);
  const points: ScoredPoint[] = [];
  let next = 0;
  let previous: { last: number; width: number } | undefined;
  rows.forEach((row, i) => {
    while (next < bounds.length && i > bounds[next].last) {
      previous = bounds[next];
      next += 1;
    }
    const current = bounds[next];
    let unweighted: number;
    let window: number | undefined;
    if (current && i >= current.first && i <= current.last) {
      window = next;
      unweighted = scaledSigmoid(-(current.last - i + 1) / current.width);
    } else if (!previous) {
      unweighted = -1;
    } else {
      unweighted = scaledSigmoid(
        Math.abs(previous.last - i) / (previous.width - 1),
      );
    }
    if (i >= probation) {
      points.push({ anomalyScore: row.anomalyScore, unweighted, window });
    }
  });
  return { points, windowCount: windows.length };
}

function weighted(point: ScoredPoint, profile: CostProfile): number {
  return point.window === undefined
    ? point.unweighted * profile.fpWeight
    : (point.unweighted * profile.tpWeight) / scaledSigmoid(-1);
}

/**
 * Raw NAB score of one file at a fixed threshold: every scorable row with
 * `anomalyScore >= threshold` is a detection; a window counts once with its
 * best weighted value, a missed window costs `−fnWeight`, each detection
 * outside windows adds its (negative) weighted value.
 *
 * @public
 */
export function scoreAtThreshold(
  file: FilePoints,
  threshold: number,
  profile: CostProfile,
): ThresholdOutcome {
  const best = new Map<number, number>();
  let fpSum = 0;
  const counts = { tp: 0, tn: 0, fp: 0, fn: 0 };
  for (const point of file.points) {
    const detected = point.anomalyScore >= threshold;
    if (point.window === undefined) {
      if (detected) {
        counts.fp += 1;
        fpSum += weighted(point, profile);
      } else {
        counts.tn += 1;
      }
    } else if (detected) {
      counts.tp += 1;
      const value = weighted(point, profile);
      best.set(
        point.window,
        Math.max(best.get(point.window) ?? -Infinity, value),
      );
    } else {
      counts.fn += 1;
    }
  }
  let tpSum = 0;
  for (const value of best.values()) tpSum += value;
  const missed = file.windowCount - best.size;
  return {
    threshold,
    raw: tpSum + fpSum - profile.fnWeight * missed,
    ...counts,
    windowsDetected: best.size,
  };
}

/**
 * Sweeps every distinct anomaly score of the corpus as a threshold (as NAB's
 * `Sweeper.calcScoreByThreshold` does, over all files at once) and returns
 * the threshold with the highest summed raw score. On ties the higher
 * threshold wins; a threshold above every score (nothing detected) is a
 * candidate too.
 *
 * @param files - the prepared points of every file of the corpus
 * @returns the best threshold, its summed raw score and row counts
 * @public
 */
export function optimiseThreshold(
  files: readonly FilePoints[],
  profile: CostProfile,
): ThresholdOutcome {
  type Tagged = ScoredPoint & { key: string; value: number };
  const all: Tagged[] = [];
  let windowCount = 0;
  files.forEach((file, f) => {
    windowCount += file.windowCount;
    for (const point of file.points) {
      all.push({
        ...point,
        key: point.window === undefined ? '' : `${f}:${point.window}`,
        value: weighted(point, profile),
      });
    }
  });
  all.sort((a, b) => b.anomalyScore - a.anomalyScore);

  const best = new Map<string, number>();
  let tpSum = 0;
  let fpSum = 0;
  const counts = { tp: 0, fp: 0 };
  const inWindows = all.filter(p => p.key !== '').length;
  const outside = all.length - inWindows;
  let winner: ThresholdOutcome = {
    threshold: Infinity,
    raw: -profile.fnWeight * windowCount,
    tp: 0,
    tn: outside,
    fp: 0,
    fn: inWindows,
    windowsDetected: 0,
  };
  for (let i = 0; i < all.length; i++) {
    const point = all[i];
    if (point.key === '') {
      fpSum += point.value;
      counts.fp += 1;
    } else {
      counts.tp += 1;
      const previous = best.get(point.key);
      if (previous === undefined) {
        best.set(point.key, point.value);
        tpSum += point.value;
      } else if (point.value > previous) {
        best.set(point.key, point.value);
        tpSum += point.value - previous;
      }
    }
    const last =
      i === all.length - 1 || all[i + 1].anomalyScore !== point.anomalyScore;
    if (last) {
      const raw = tpSum + fpSum - profile.fnWeight * (windowCount - best.size);
      if (raw > winner.raw) {
        winner = {
          threshold: point.anomalyScore,
          raw,
          tp: counts.tp,
          tn: outside - counts.fp,
          fp: counts.fp,
          fn: inWindows - counts.tp,
          windowsDetected: best.size,
        };
      }
    }
  }
  return winner;
}

/**
 * NAB's normalised score: `100 · (raw − raw_null) / (raw_perfect − raw_null)`
 * with `raw_null = −fnWeight · windows` (nothing detected) and
 * `raw_perfect = windows` (each window caught at its first row).
 *
 * @throws Error when the corpus has no window (the score is undefined)
 * @public
 */
export function normalisedScore(
  raw: number,
  windowCount: number,
  profile: CostProfile,
): number {
  if (windowCount === 0) {
    throw new Error('NAB score is undefined for a corpus without windows');
  }
  const rawNull = -profile.fnWeight * windowCount;
  const rawPerfect = windowCount;
  return (100 * (raw - rawNull)) / (rawPerfect - rawNull);
}
