import {
  classifyDoraMetric,
  DORA_BAND_TABLES,
  DORA_REPORT_YEARS,
  DoraMetricKey,
} from './bands';

const METRICS: DoraMetricKey[] = [
  'deploymentFrequency',
  'leadTimeForChanges',
  'changeFailureRate',
  'timeToRestoreService',
];

describe('classifyDoraMetric', () => {
  it('should keep a table with a source for every report year and metric', () => {
    for (const year of DORA_REPORT_YEARS) {
      const table = DORA_BAND_TABLES[year];
      expect(table.year).toBe(year);
      expect(table.source).toMatch(/^https:\/\/dora\.dev\/research\/\d{4}\//);
      for (const metric of METRICS) {
        const bands = table.metrics[metric];
        expect(bands.length).toBeGreaterThanOrEqual(3);
        expect(bands[bands.length - 1].limit).toBeUndefined();
        expect(bands.slice(0, -1).every(b => typeof b.limit === 'number')).toBe(true);
      }
    }
  });

  it('should have no elite cluster in 2022 only', () => {
    expect(DORA_BAND_TABLES[2022].metrics.leadTimeForChanges.map(b => b.band)).toEqual([
      'high',
      'medium',
      'low',
    ]);
    expect(DORA_BAND_TABLES[2024].metrics.leadTimeForChanges[0].band).toBe('elite');
  });

  it('should classify lower-is-better metrics by their upper limits', () => {
    expect(classifyDoraMetric(2024, 'leadTimeForChanges', 2).band).toBe('elite');
    expect(classifyDoraMetric(2024, 'leadTimeForChanges', 48).band).toBe('high');
    expect(classifyDoraMetric(2024, 'leadTimeForChanges', 24 * 20).band).toBe('medium');
    expect(classifyDoraMetric(2024, 'leadTimeForChanges', 24 * 100).band).toBe('low');
    expect(classifyDoraMetric(2021, 'leadTimeForChanges', 2).band).toBe('high');
    expect(classifyDoraMetric(2023, 'changeFailureRate', 0.05).band).toBe('elite');
    expect(classifyDoraMetric(2023, 'changeFailureRate', 0.12).band).toBe('medium');
    expect(classifyDoraMetric(2023, 'changeFailureRate', 0.5).band).toBe('low');
    expect(classifyDoraMetric(2022, 'timeToRestoreService', 0.5).band).toBe('high');
  });

  it('should classify deployment frequency by its lower limits', () => {
    expect(classifyDoraMetric(2024, 'deploymentFrequency', 3).band).toBe('elite');
    expect(classifyDoraMetric(2024, 'deploymentFrequency', 0.5).band).toBe('high');
    expect(classifyDoraMetric(2024, 'deploymentFrequency', 1 / 14).band).toBe('medium');
    expect(classifyDoraMetric(2024, 'deploymentFrequency', 1 / 90).band).toBe('low');
  });

  it('should reject values that are not finite', () => {
    expect(() => classifyDoraMetric(2024, 'changeFailureRate', NaN)).toThrow(
      /changeFailureRate: value NaN is not finite/,
    );
    expect(() => classifyDoraMetric(2019 as any, 'changeFailureRate', 0.1)).toThrow(
      /No DORA band table for report year 2019/,
    );
  });
});
