import { telemetryBatchSchema, telemetryRowSchema } from './telemetry';

describe('telemetryRowSchema', () => {
  const row = {
    ts: 1763719200123,
    cluster: 'prod-eu',
    namespace: 'validators',
    node: 'validator-alpha-0',
    component: 'validator-alpha',
    metric: 'block_lag',
    value: 3,
  };

  it('should accept epoch milliseconds and ISO date-times with a zone', () => {
    expect(telemetryRowSchema.parse(row)).toEqual(row);
    expect(telemetryRowSchema.parse({ ...row, ts: '2026-11-21T10:00:00.123Z' }).ts).toBe(
      '2026-11-21T10:00:00.123Z',
    );
    expect(telemetryRowSchema.parse({ ...row, ts: '2026-11-21T11:00:00+01:00' }).ts).toBe(
      '2026-11-21T11:00:00+01:00',
    );
  });

  it('should reject values that are not finite numbers, naming the field', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '3', null]) {
      const result = telemetryRowSchema.safeParse({ ...row, value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path).toEqual(['value']);
    }
  });

  it('should reject bad timestamps, labels, metrics and unknown fields', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ts: -1 }, 'ts'],
      [{ ts: 1.5 }, 'ts'],
      [{ ts: '2026-11-21T10:00:00' }, 'ts'],
      [{ ts: 'yesterday' }, 'ts'],
      [{ node: '' }, 'node'],
      [{ component: 'x'.repeat(254) }, 'component'],
      [{ metric: 'cpu' }, 'metric'],
      [{ extra: 1 }, ''],
    ];
    for (const [patch, field] of bad) {
      const result = telemetryRowSchema.safeParse({ ...row, ...patch });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path.join('.')).toBe(field);
    }
  });

  it('should take a batch as an array or as { rows }, never empty', () => {
    expect(telemetryBatchSchema.safeParse([row]).success).toBe(true);
    expect(telemetryBatchSchema.safeParse({ rows: [row] }).success).toBe(true);
    expect(telemetryBatchSchema.safeParse([]).success).toBe(false);
    expect(telemetryBatchSchema.safeParse({ rows: [] }).success).toBe(false);
  });
});
