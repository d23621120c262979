import { EffectiveSyncPolicy, UNREACHABLE_AFTER_PROBES } from './stateMachine';

/**
 * Shortest gap between two probes of one node, milliseconds. Early probes never come
 * closer than this, so a node close to its threshold costs at most one probe a second.
 * @public
 */
export const MIN_PROBE_GAP_MS = 1000;

/**
 * How much sooner than `probeIntervalSeconds` a regular probe comes, milliseconds: a tenth of
 * the interval, at most 1 s. A breach that no trend announces is seen by the next regular
 * probe; with this margin that probe and the reconcile acting on it (tens of milliseconds at
 * 1,000 nodes, docs/validator-operator.md) fit within one interval of the breach.
 * @public
 */
export function reactionMarginMs(probeIntervalSeconds: number): number {
  return Math.min(1000, probeIntervalSeconds * 100);
}

/**
 * Block lag of one node over its recent good probes: `since`/`sinceLag` is the probe where
 * the lag last started to grow (or the latest probe when it is not growing), `at`/`lag` the
 * latest one. Times are epoch milliseconds, lags are blocks.
 * @public
 */
export interface LagTrend {
  since: number;
  sinceLag: number;
  at: number;
  lag: number;
}

/**
 * Folds one good probe (`lag` blocks behind at epoch ms `at`) into the trend: a lag that
 * shrinks, or stays where it was without having grown, moves the baseline to this probe; a
 * lag that grows (or holds after growing) keeps the baseline, so the rate is averaged over
 * the whole fall and does not drop to zero between two blocks.
 * @public
 */
export function updateLagTrend(prev: LagTrend | undefined, at: number, lag: number): LagTrend {
  if (!prev || lag < prev.lag || (lag === prev.lag && prev.sinceLag === prev.lag)) {
    return { since: at, sinceLag: lag, at, lag };
  }
  return { since: prev.since, sinceLag: prev.sinceLag, at, lag };
}

/**
 * Milliseconds until a node's next probe, so that a breach is seen soon after it happens
 * rather than up to a full `probeIntervalSeconds` later. `last.phase` is the phase after the
 * latest probe; only a `Synced` node is probed early (only it can breach):
 *
 * - After a failed probe: a third of the interval (at least {@link MIN_PROBE_GAP_MS}), so the
 *   {@link UNREACHABLE_AFTER_PROBES} failures in a row that mark a node unreachable take
 *   two thirds of an interval after the first one instead of two intervals.
 * - While the lag grows but is still within `maxBlockLag`: half the projected time until it
 *   crosses `maxBlockLag` (linear projection of the trend's rate), at least
 *   {@link MIN_PROBE_GAP_MS}. The gaps shrink as the crossing nears, so a node whose chain
 *   stopped advancing is caught within a few seconds of the crossing (one block time at most
 *   when blocks come every 6 s).
 * - Otherwise the probe interval less {@link reactionMarginMs}.
 *
 * Never more than that. A sudden jump past `maxBlockLag` has no trend to
 * project and is seen by the next regular probe, at most one interval later.
 * @public
 */
export function nextProbeDelayMs(
  policy: Pick<EffectiveSyncPolicy, 'maxBlockLag' | 'probeIntervalSeconds'>,
  last: { phase?: string; ok: boolean; trend?: LagTrend },
): number {
  const regularMs = policy.probeIntervalSeconds * 1000 - reactionMarginMs(policy.probeIntervalSeconds);
  const clamp = (ms: number) => Math.round(Math.min(regularMs, Math.max(MIN_PROBE_GAP_MS, ms)));
  // Only a Synced node can breach; the others keep the regular interval.
  if (last.phase !== 'Synced') return regularMs;
  if (!last.ok) return clamp(regularMs / UNREACHABLE_AFTER_PROBES);
  const t = last.trend;
  if (!t || t.lag <= t.sinceLag || t.lag > policy.maxBlockLag || t.at <= t.since) {
    return regularMs;
  }
  const blocksPerMs = (t.lag - t.sinceLag) / (t.at - t.since);
  const untilCrossingMs = (policy.maxBlockLag + 1 - t.lag) / blocksPerMs;
  return clamp(untilCrossingMs / 2);
}
