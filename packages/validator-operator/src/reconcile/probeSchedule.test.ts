import { MIN_PROBE_GAP_MS, nextProbeDelayMs, reactionMarginMs, updateLagTrend, LagTrend } from './probeSchedule';

const policy = { maxBlockLag: 10, probeIntervalSeconds: 30 };

/** Folds (second, lag) probes into a trend. */
function trendOf(samples: Array<[number, number]>): LagTrend {
  let t: LagTrend | undefined;
  for (const [s, lag] of samples) t = updateLagTrend(t, s * 1000, lag);
  return t!;
}

describe('updateLagTrend', () => {
  it('should keep the start of a fall as the baseline while the lag grows or holds, and move it when the lag shrinks or stays flat', () => {
    expect(trendOf([[0, 1], [30, 1]])).toEqual({ since: 30_000, sinceLag: 1, at: 30_000, lag: 1 });
    expect(trendOf([[0, 1], [30, 4], [40, 4], [50, 6]])).toEqual({ since: 0, sinceLag: 1, at: 50_000, lag: 6 });
    expect(trendOf([[0, 1], [30, 4], [60, 2]])).toEqual({ since: 60_000, sinceLag: 2, at: 60_000, lag: 2 });
  });
});

describe('reactionMarginMs', () => {
  it('should be a tenth of the interval, at most 1 s', () => {
    expect(reactionMarginMs(30)).toBe(1000);
    expect(reactionMarginMs(5)).toBe(500);
  });
});

describe('nextProbeDelayMs', () => {
  it('should probe a node that keeps up, is not Synced, or already breached at the interval less the reaction margin', () => {
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true, trend: trendOf([[0, 1], [30, 1]]) })).toBe(29_000);
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true, trend: trendOf([[0, 3], [30, 0]]) })).toBe(29_000);
    expect(nextProbeDelayMs(policy, { phase: 'Syncing', ok: true, trend: trendOf([[0, 1], [30, 9]]) })).toBe(29_000);
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true })).toBe(29_000);
    expect(nextProbeDelayMs(policy, { phase: 'Degraded', ok: false })).toBe(29_000);
  });

  it('should probe at half the projected time to the maxBlockLag crossing while the lag grows', () => {
    // 1 block per 6 s from lag 0: at lag 5, 6 more blocks (36 s) to lag 11 → probe in 18 s.
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true, trend: trendOf([[0, 0], [30, 5]]) })).toBe(18_000);
    // Far from the crossing: never more than the interval.
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true, trend: trendOf([[0, 0], [30, 1]]) })).toBe(29_000);
    // Close to it: never less than MIN_PROBE_GAP_MS.
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: true, trend: trendOf([[0, 0], [1, 10]]) })).toBe(MIN_PROBE_GAP_MS);
  });

  it('should re-probe a Synced node after a failed probe at a third of the interval', () => {
    expect(nextProbeDelayMs(policy, { phase: 'Synced', ok: false })).toBe(9667);
    expect(nextProbeDelayMs({ maxBlockLag: 10, probeIntervalSeconds: 2 }, { phase: 'Synced', ok: false })).toBe(MIN_PROBE_GAP_MS);
  });
});
