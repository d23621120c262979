import { Config } from '@backstage/config';
import {
  RISK_DETECTORS,
  RiskBand,
  RiskBandName,
  RiskDetector,
} from '@goldenpath/plugin-reliability-common';

/**
 * Absolute thresholds of the detectors (units in the names). Sources are in
 * `docs/risk-scores.md`.
 *
 * @public
 */
export interface RiskThresholds {
  maxBlockLag: number;
  minPeers: number;
  gpuTempWarnC: number;
  gpuTempCriticalC: number;
  saturationPct: number;
  diskLatencyWarnMs: number;
  diskLatencyCriticalMs: number;
  diskUtilSaturationPct: number;
}

/**
 * Everything configurable about the risk scores (`reliability.risk`).
 *
 * @public
 */
export interface RiskConfig {
  /** Detector weights in [0, 1] for the noisy-OR composite. */
  weights: Record<RiskDetector, number>;
  /** Contiguous bands covering [0, 100], ascending. */
  bands: RiskBand[];
  /** Univariate core score above which a metric counts as anomalous, in (0, 1). */
  anomalyThreshold: number;
  /** Largest detector score an anomaly alone can produce, in [0, 1]. */
  anomalyWeight: number;
  thresholds: RiskThresholds;
  /** Period of the scheduled fleet-wide `risk_scores` refresh. Unit: seconds. */
  refreshIntervalSeconds: number;
}

/**
 * Defaults of {@link RiskConfig}; see `docs/risk-scores.md` for where each number comes from.
 *
 * @public
 */
export const DEFAULT_RISK_CONFIG: RiskConfig = {
  weights: { consensus: 0.9, p2p: 0.8, hardware: 0.7, storage: 0.7 },
  bands: [
    { name: 'ok', min: 0, max: 40 },
    { name: 'warning', min: 40, max: 70 },
    { name: 'critical', min: 70, max: 100 },
  ],
  anomalyThreshold: 0.99,
  anomalyWeight: 0.6,
  thresholds: {
    maxBlockLag: 10,
    minPeers: 8,
    gpuTempWarnC: 80,
    gpuTempCriticalC: 90,
    saturationPct: 90,
    diskLatencyWarnMs: 20,
    diskLatencyCriticalMs: 100,
    diskUtilSaturationPct: 90,
  },
  refreshIntervalSeconds: 300,
};

const BAND_NAMES: RiskBandName[] = ['ok', 'warning', 'critical'];

/**
 * Checks that bands are ascending, contiguous, cover exactly [0, 100] and use
 * each of `ok`, `warning`, `critical` at most once.
 *
 * @throws Error describing the first gap, overlap or bad name
 * @public
 */
export function validateBands(bands: RiskBand[]): RiskBand[] {
  if (bands.length === 0) {
    throw new Error('reliability.risk.bands must not be empty');
  }
  const seen = new Set<string>();
  let expectedMin = 0;
  for (const [i, band] of bands.entries()) {
    if (!BAND_NAMES.includes(band.name)) {
      throw new Error(
        `reliability.risk.bands[${i}].name '${band.name}' must be one of ${BAND_NAMES.join(', ')}`,
      );
    }
    if (seen.has(band.name)) {
      throw new Error(`reliability.risk.bands[${i}].name '${band.name}' is used twice`);
    }
    seen.add(band.name);
    if (band.min !== expectedMin) {
      throw new Error(
        `reliability.risk.bands[${i}] starts at ${band.min} but must start at ${expectedMin}: bands must be contiguous from 0`,
      );
    }
    if (!(band.max > band.min)) {
      throw new Error(`reliability.risk.bands[${i}] must have max > min`);
    }
    expectedMin = band.max;
  }
  if (expectedMin !== 100) {
    throw new Error(
      `reliability.risk.bands end at ${expectedMin} but must end at 100 to cover every composite value`,
    );
  }
  return bands;
}

/**
 * Finds the band of a composite score in [0, 100].
 *
 * @public
 */
export function bandOf(bands: RiskBand[], score: number): RiskBandName {
  for (const band of bands) {
    if (score >= band.min && score < band.max) return band.name;
  }
  return bands[bands.length - 1].name;
}

function unitInterval(value: number, key: string, openLow = false): number {
  const ok = openLow ? value > 0 && value < 1 : value >= 0 && value <= 1;
  if (!Number.isFinite(value) || !ok) {
    throw new Error(
      `reliability.risk.${key} must be in ${openLow ? '(0, 1)' : '[0, 1]'}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads and validates `reliability.risk`, filling defaults.
 *
 * @throws Error when a weight or threshold is out of range or the bands do not cover [0, 100]
 * @public
 */
export function readRiskConfig(config: Config): RiskConfig {
  const cfg = config.getOptionalConfig('reliability.risk');
  const weights = { ...DEFAULT_RISK_CONFIG.weights };
  for (const detector of RISK_DETECTORS) {
    const w = cfg?.getOptionalNumber(`weights.${detector}`);
    if (w !== undefined) weights[detector] = unitInterval(w, `weights.${detector}`);
  }
  const bands = validateBands(
    cfg?.getOptionalConfigArray('bands')?.map(b => ({
      name: b.getString('name') as RiskBandName,
      min: b.getNumber('min'),
      max: b.getNumber('max'),
    })) ?? DEFAULT_RISK_CONFIG.bands,
  );
  const thresholds = { ...DEFAULT_RISK_CONFIG.thresholds };
  for (const key of Object.keys(thresholds) as Array<keyof RiskThresholds>) {
    const value = cfg?.getOptionalNumber(`thresholds.${key}`);
    if (value !== undefined) {
      if (!Number.isFinite(value) || value <= 0) {
        throw new Error(`reliability.risk.thresholds.${key} must be a positive number, got ${value}`);
      }
      thresholds[key] = value;
    }
  }
  if (thresholds.gpuTempCriticalC <= thresholds.gpuTempWarnC) {
    throw new Error('reliability.risk.thresholds.gpuTempCriticalC must be above gpuTempWarnC');
  }
  if (thresholds.diskLatencyCriticalMs <= thresholds.diskLatencyWarnMs) {
    throw new Error(
      'reliability.risk.thresholds.diskLatencyCriticalMs must be above diskLatencyWarnMs',
    );
  }
  for (const key of ['saturationPct', 'diskUtilSaturationPct'] as const) {
    if (thresholds[key] >= 100) {
      throw new Error(`reliability.risk.thresholds.${key} must be below 100`);
    }
  }
  const refreshIntervalSeconds =
    cfg?.getOptionalNumber('refreshIntervalSeconds') ?? DEFAULT_RISK_CONFIG.refreshIntervalSeconds;
  if (!Number.isInteger(refreshIntervalSeconds) || refreshIntervalSeconds < 10) {
    throw new Error(
      `reliability.risk.refreshIntervalSeconds must be an integer of at least 10, got ${refreshIntervalSeconds}`,
    );
  }
  return {
    refreshIntervalSeconds,
    weights,
    bands,
    anomalyThreshold: unitInterval(
      cfg?.getOptionalNumber('anomalyThreshold') ?? DEFAULT_RISK_CONFIG.anomalyThreshold,
      'anomalyThreshold',
      true,
    ),
    anomalyWeight: unitInterval(
      cfg?.getOptionalNumber('anomalyWeight') ?? DEFAULT_RISK_CONFIG.anomalyWeight,
      'anomalyWeight',
    ),
    thresholds,
  };
}
