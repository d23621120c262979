import fs from 'node:fs';
import path from 'node:path';
import { summarizeInfracost, toDecimal6 } from './infracost';
import { evaluateBudget } from './budget';

const DATASET = path.resolve(__dirname, '../../../../../../shared/datasets/infracost');

type IndexEntry = {
  file: string;
  type: string;
  totalMonthlyCost: string | null;
  pastTotalMonthlyCost: string | null;
  diffTotalMonthlyCost: string | null;
  projects: number;
  projectErrors: number;
  diffResources: number;
  currency: string | null;
};

const index: IndexEntry[] = JSON.parse(
  fs.readFileSync(path.join(DATASET, 'index.json'), 'utf8'),
);
const outputs = index.filter(e => e.type === 'infracost-output');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));

describe('summarizeInfracost', () => {
  it('should find the 49 Infracost outputs of the dataset', () => {
    expect(outputs).toHaveLength(49);
  });

  it.each(outputs.map(e => [e.file, e] as const))(
    'should summarise %s like its index entry',
    (file, entry) => {
      const summary = summarizeInfracost(read(file));
      const money = (v: string | null) => (v === null ? null : Number(v).toFixed(4));
      expect(money(summary.totalMonthlyCost)).toBe(money(entry.totalMonthlyCost ?? '0'));
      expect(money(summary.pastMonthlyCost)).toBe(money(entry.pastTotalMonthlyCost));
      expect(money(summary.diffMonthlyCost)).toBe(money(entry.diffTotalMonthlyCost));
      expect(summary.projectCount).toBe(entry.projects);
      expect(summary.projectErrors).toBe(entry.projectErrors);
      expect(summary.changedResources).toHaveLength(entry.diffResources);
      expect(summary.currency).toBe(entry.currency ?? 'USD');
    },
  );

  it('should list the resized and the removed instance of a diff, largest change first', () => {
    const summary = summarizeInfracost(
      read(
        'cmd/infracost/testdata/diff_with_compare_to_format_json/diff_with_compare_to_format_json.golden.json',
      ),
    );
    expect(summary.diffMonthlyCost).toBe('-742.64');
    expect(summary.changedResources.map(r => [r.name, r.diffMonthlyCost, r.pastMonthlyCost, r.monthlyCost])).toEqual([
      ['aws_instance.web_app2', '-1303.28', '1303.28', '0'],
      ['aws_instance.web_app', '560.64', '742.64', '1303.28'],
    ]);
  });

  it('should reject malformed outputs with the name of the field', () => {
    const good = read('cmd/infracost/testdata/changes.json');
    expect(() => summarizeInfracost({ ...good, version: '0.1' })).toThrow(
      /^infracost\.version: expected "0\.2"/,
    );
    expect(() => summarizeInfracost({ ...good, projects: 'none' })).toThrow(/^infracost\.projects: /);
    expect(() =>
      summarizeInfracost({ ...good, projects: [{ ...good.projects[0], name: 42 }] }),
    ).toThrow(/^infracost\.projects\[0\]\.name: /);
    expect(() => summarizeInfracost({ ...good, totalMonthlyCost: "1; DROP TABLE x" })).toThrow(
      /^infracost\.totalMonthlyCost: expected a decimal string/,
    );
    expect(() => summarizeInfracost('not json')).toThrow(/^infracost: /);
  });

  it('should keep decimals exact to 6 places', () => {
    expect(toDecimal6('1.785315068493150679')).toBe('1.785315');
    expect(toDecimal6('-0.0000001')).toBe('0');
    expect(toDecimal6('12')).toBe('12');
    expect(toDecimal6(null)).toBe('0');
  });
});

describe('evaluateBudget', () => {
  const budget = { soft_fail_usd: 50, approval_usd: 200, pr_delta_usd: 1000, absolute_usd: 5000 };

  it('should walk the thresholds from hard limits to soft ones', () => {
    expect(evaluateBudget({ totalMonthlyCost: 100, diffMonthlyCost: 10 }, budget).status).toBe('within');
    expect(evaluateBudget({ totalMonthlyCost: 100, diffMonthlyCost: 60 }, budget).status).toBe('soft-fail');
    expect(evaluateBudget({ totalMonthlyCost: 100, diffMonthlyCost: 420.48 }, budget)).toMatchObject({
      status: 'needs-approval',
      reason: expect.stringContaining('approval_usd 200.00'),
    });
    expect(
      evaluateBudget({ totalMonthlyCost: 100, diffMonthlyCost: 420.48 }, budget, ['finops-approved']),
    ).toMatchObject({ status: 'within', approved: true });
    expect(evaluateBudget({ totalMonthlyCost: 100, diffMonthlyCost: 1500 }, budget, ['finops-approved']).status).toBe('over');
    expect(evaluateBudget({ totalMonthlyCost: 6000, diffMonthlyCost: -742.64 }, budget).status).toBe('over');
    expect(evaluateBudget({ totalMonthlyCost: 1303.28, diffMonthlyCost: -742.64 }, budget).status).toBe('within');
  });

  it('should say unknown without thresholds and skip increase checks without a baseline', () => {
    expect(evaluateBudget({ totalMonthlyCost: 1, diffMonthlyCost: 1 }, {}).status).toBe('unknown');
    expect(evaluateBudget({ totalMonthlyCost: 4018.65, diffMonthlyCost: null }, budget)).toMatchObject({
      status: 'within',
      reason: expect.stringContaining('no baseline'),
    });
  });
});
