// The NAB scorer lives in bench/nab, which is not a workspace package; this
// test sits here because jest only runs inside workspace packages.
/* eslint-disable @backstage/no-relative-monorepo-imports */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseNabTimestamp,
  PROFILE_NAMES,
  readCsv,
  readDetectorRows,
  readProfiles,
  readSeries,
  readWindows,
  resultPath,
} from '../../../../../bench/nab/lib/corpus';
import { evaluateDetector } from '../../../../../bench/nab/lib/evaluate';
import {
  AnomalyWindow,
  CostProfile,
  DetectorRow,
  normalisedScore,
  optimiseThreshold,
  preparePoints,
  probationaryRows,
  scaledSigmoid,
  scoreAtThreshold,
} from '../../../../../bench/nab/lib/scorer';

const REPO_ROOT = path.resolve(__dirname, '../../../../..');
const NAB_DIR =
  process.env.NAB_DATASET ??
  path.resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab');

const STANDARD: CostProfile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const MINUTE = 60_000;

function rowsOf(scores: number[]): DetectorRow[] {
  return scores.map((anomalyScore, i) => ({
    timestamp: i * MINUTE,
    anomalyScore,
  }));
}

function windowOf(first: number, last: number): AnomalyWindow {
  return { start: first * MINUTE, end: last * MINUTE };
}

describe('NAB scorer', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(NAB_DIR, 'combined_windows.json'))) {
      throw new Error(
        `NAB dataset not found at ${NAB_DIR}; set NAB_DATASET to its folder`,
      );
    }
  });

  it('should reproduce the reference standard-profile scores of the dataset README', () => {
    const windows = readWindows(path.join(NAB_DIR, 'combined_windows.json'));
    const profiles = readProfiles(path.join(NAB_DIR, 'profiles.json'));
    const expected = {
      windowedGaussian: { score: '21.97', threshold: '1.00' },
      numenta: { score: '66.59', threshold: '0.5555' },
    };
    for (const [detector, reference] of Object.entries(expected)) {
      const [standard] = evaluateDetector(
        path.join(NAB_DIR, 'results', detector),
        detector,
        windows,
        profiles,
      );
      expect(standard.profile).toBe('standard');
      expect(standard.windowCount).toBe(55);
      expect(standard.normalised.toFixed(2)).toBe(reference.score);
      expect(standard.threshold.toFixed(reference.threshold.length - 2)).toBe(
        reference.threshold,
      );
    }
  }, 120_000);

  it('should reproduce every published per-file score and row count at the published thresholds', () => {
    const windows = readWindows(path.join(NAB_DIR, 'combined_windows.json'));
    const profiles = readProfiles(path.join(NAB_DIR, 'profiles.json'));
    let compared = 0;
    for (const detector of ['windowedGaussian', 'numenta']) {
      for (const profile of PROFILE_NAMES) {
        const published = readCsv(
          path.join(
            NAB_DIR,
            'results',
            detector,
            `${detector}_${profile}_scores.csv`,
          ),
        );
        const col = (name: string) => published.header.indexOf(name);
        for (const fields of published.rows) {
          const file = fields[col('File')];
          const rows = readRows(detector, file);
          const outcome = scoreAtThreshold(
            preparePoints(rows, windows.get(file) ?? []),
            Number(fields[col('Threshold')]),
            profiles[profile],
          );
          expect({ file, profile, raw: outcome.raw }).toEqual({
            file,
            profile,
            raw: expect.closeTo(Number(fields[col('Score')]), 6),
          });
          expect([outcome.tp, outcome.tn, outcome.fp, outcome.fn]).toEqual(
            ['TP', 'TN', 'FP', 'FN'].map(c => Number(fields[col(c)])),
          );
          compared += 1;
        }
      }
    }
    expect(compared).toBe(2 * 3 * 35);
  }, 120_000);

  it('should apply the scaled sigmoid, probation and window position rules', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBeCloseTo(2 / (1 + Math.exp(15)) - 1, 12);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(probationaryRows(4032)).toBe(604);
    expect(probationaryRows(10_000)).toBe(750);

    // 20 rows: probation 3, one window over rows 10..13 (width 4).
    const file = preparePoints(rowsOf(Array(20).fill(0)), [windowOf(10, 13)]);
    expect(file.points).toHaveLength(17);
    const byRow = (i: number) => file.points[i - 3];
    expect(byRow(5)).toEqual({
      anomalyScore: 0,
      unweighted: -1,
      window: undefined,
    });
    expect(byRow(10).window).toBe(0);
    expect(byRow(10).unweighted).toBeCloseTo(scaledSigmoid(-1), 12);
    expect(byRow(13).unweighted).toBeCloseTo(scaledSigmoid(-0.25), 12);
    expect(byRow(14).window).toBeUndefined();
    expect(byRow(14).unweighted).toBeCloseTo(scaledSigmoid(1 / 3), 12);
    expect(byRow(19).unweighted).toBeCloseTo(scaledSigmoid(2), 12);
  });

  it('should credit a window once with its earliest detection and charge false positives', () => {
    const scores = Array(20).fill(0);
    scores[5] = 0.9; // before any window: −fpWeight
    scores[11] = 0.95; // second row of the window
    scores[12] = 0.99; // later in the same window: worth less
    scores[16] = 0.9; // after the window
    const file = preparePoints(rowsOf(scores), [windowOf(10, 13)]);

    const at09 = scoreAtThreshold(file, 0.9, STANDARD);
    const tpRow11 = scaledSigmoid(-3 / 4) / scaledSigmoid(-1);
    const tpRow12 = scaledSigmoid(-2 / 4) / scaledSigmoid(-1);
    const fpRow16 = scaledSigmoid(3 / 3) * 0.11;
    expect(at09.raw).toBeCloseTo(tpRow11 - 0.11 + fpRow16, 12);
    expect([at09.tp, at09.fp, at09.fn, at09.tn]).toEqual([2, 2, 2, 11]);
    expect(scoreAtThreshold(file, 0.99, STANDARD).raw).toBeCloseTo(tpRow12, 12);

    const at1 = scoreAtThreshold(file, 1, STANDARD);
    expect(at1.raw).toBe(-1);
    expect(normalisedScore(at1.raw, 1, STANDARD)).toBe(0);

    const best = optimiseThreshold([file], STANDARD);
    expect(best.threshold).toBe(0.95);
    expect(best.raw).toBeCloseTo(tpRow11, 12);
    expect([best.tp, best.fp, best.fn]).toEqual([2, 0, 2]);
  });

  it('should score a perfect detector 100 and the null detector 0', () => {
    const windows = [windowOf(10, 13), windowOf(30, 35)];
    const perfect = Array(40).fill(0);
    perfect[10] = 1;
    perfect[30] = 1;
    const files = [preparePoints(rowsOf(perfect), windows)];
    const best = optimiseThreshold(files, STANDARD);
    expect(best.raw).toBeCloseTo(2, 12);
    expect(normalisedScore(best.raw, 2, STANDARD)).toBeCloseTo(100, 10);

    const nullFiles = [preparePoints(rowsOf(Array(40).fill(0.5)), windows)];
    const nothing = scoreAtThreshold(nullFiles[0], 0.6, STANDARD);
    expect(normalisedScore(nothing.raw, 2, STANDARD)).toBe(0);
  });

  it('should reject corpora it cannot score', () => {
    expect(() => normalisedScore(0, 0, STANDARD)).toThrow(/without windows/);
    expect(() => preparePoints(rowsOf([0, 0, 0]), [windowOf(5, 6)])).toThrow(
      /contains no data row/,
    );
  });
});

describe('NAB corpus reader', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nab-corpus-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('should parse NAB timestamps as UTC and name the text it rejects', () => {
    const expected = Date.UTC(2014, 3, 10, 7, 15, 0);
    expect(parseNabTimestamp('2014-04-10 07:15:00')).toBe(expected);
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(expected);
    expect(parseNabTimestamp('2014-04-10 07:15:00.250')).toBe(expected + 250);
    expect(() => parseNabTimestamp('yesterday')).toThrow(
      "Invalid NAB timestamp 'yesterday'",
    );
    expect(() => parseNabTimestamp('2014-13-40 07:15:00')).toThrow(
      /Invalid NAB timestamp/,
    );
  });

  it('should read windows sorted and reject malformed windows, profiles and rows', () => {
    const windows = readWindows(
      write(
        'windows.json',
        JSON.stringify({
          'a/x.csv': [
            ['2014-04-12 00:00:00.000000', '2014-04-12 01:00:00.000000'],
            ['2014-04-10 00:00:00.000000', '2014-04-10 01:00:00.000000'],
          ],
          'a/y.csv': [],
        }),
      ),
    );
    expect(windows.get('a/x.csv')!.map(w => w.start)).toEqual([
      Date.UTC(2014, 3, 10),
      Date.UTC(2014, 3, 12),
    ]);
    expect(windows.get('a/y.csv')).toEqual([]);
    expect(() => readWindows(write('list.json', '[]'))).toThrow(
      /expected an object/,
    );
    expect(() =>
      readWindows(write('pair.json', '{"a/x.csv": [["2014-04-10 00:00:00"]]}')),
    ).toThrow(/a\/x.csv' is not a \[start, end\] pair/);

    expect(() =>
      readProfiles(
        write(
          'profiles.json',
          '{"standard": {"CostMatrix": {"tpWeight": 1, "fpWeight": 0.11}}}',
        ),
      ),
    ).toThrow(/profile 'standard' lacks tp\/fp\/fn weights/);

    const bad = write('bad.csv', 'timestamp,value\n2014-04-10 00:00:00,abc\n');
    expect(() => readSeries(bad)).toThrow(
      `${bad}:2: value 'abc' is not a number`,
    );
    const ragged = write(
      'ragged.csv',
      'timestamp,value\n2014-04-10 00:00:00\n',
    );
    expect(() => readCsv(ragged)).toThrow(
      `${ragged}:2: expected 2 fields, got 1`,
    );
  });
});

const rowCache = new Map<string, DetectorRow[]>();

function readRows(detector: string, file: string): DetectorRow[] {
  const key = `${detector}/${file}`;
  if (!rowCache.has(key)) {
    rowCache.set(
      key,
      readDetectorRows(
        resultPath(path.join(NAB_DIR, 'results', detector), detector, file),
      ),
    );
  }
  return rowCache.get(key)!;
}
