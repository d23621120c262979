import fs from 'node:fs';
import path from 'node:path';
import { summarizeTerraformPlan } from './terraformPlan';

const DATASET = path.resolve(__dirname, '../../../../../../shared/datasets/infracost');
const index: Array<{ file: string; type: string }> = JSON.parse(
  fs.readFileSync(path.join(DATASET, 'index.json'), 'utf8'),
);
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));
const plans = index.filter(e => e.type === 'terraform-plan').map(e => e.file);
const states = index.filter(e => e.type === 'terraform-state').map(e => e.file);
const V157 = 'supplement/hashicorp-terraform-v1.5.7/internal/command/testdata/show-json';

describe('summarizeTerraformPlan', () => {
  it('should find the plans and states of the dataset', () => {
    expect(plans.length).toBeGreaterThanOrEqual(40);
    expect(states.length).toBeGreaterThanOrEqual(4);
  });

  it.each(plans)('should summarise %s consistently with its resource_changes', file => {
    const raw = read(file);
    const summary = summarizeTerraformPlan(raw);
    const changes: any[] = raw.resource_changes ?? [];
    const total = Object.values(summary.actionCounts).reduce((a, b) => a + b, 0);
    expect(total).toBe(changes.length);
    expect(summary.plannedChanges).toHaveLength(
      changes.filter(c => c.change.actions.join() !== 'no-op').length,
    );
    expect(summary.driftedResources).toHaveLength((raw.resource_drift ?? []).length);
    expect(summary.formatVersion).toBe(raw.format_version);
  });

  it('should report drift without planned change separately', () => {
    const summary = summarizeTerraformPlan(
      read('cmd/infracost/testdata/instance_with_attachment_after_deploy.json'),
    );
    expect(summary.driftedResources).toHaveLength(2);
    expect(summary.driftedResources.every(d => d.actions.join() === 'update')).toBe(true);
    expect(summary.plannedChanges).toHaveLength(0);
    expect(summary.actionCounts).toEqual({ 'no-op': 4 });
  });

  it('should count replace and delete actions with their reasons', () => {
    const replace = summarizeTerraformPlan(read(`${V157}/requires-replace/output.json`));
    expect(replace.actionCounts).toEqual({ replace: 1 });
    expect(replace.plannedChanges[0]).toMatchObject({
      actions: ['delete', 'create'],
      actionReason: 'replace_because_cannot_update',
    });
    const del = summarizeTerraformPlan(read(`${V157}/basic-delete/output.json`));
    expect(del.actionCounts).toEqual({ update: 1, delete: 1 });
    expect(del.plannedChanges.find(c => c.actions[0] === 'delete')?.actionReason).toBe(
      'delete_because_no_resource_config',
    );
  });

  it('should accept a refresh-only plan without resource_changes', () => {
    const summary = summarizeTerraformPlan(read(`${V157}/conditions/output-refresh-only.json`));
    expect(summary.plannedChanges).toEqual([]);
    expect(summary.actionCounts).toEqual({});
  });

  it.each(states)('should refuse the state file %s', file => {
    expect(() => summarizeTerraformPlan(read(file))).toThrow(/Terraform state .* not a plan/);
  });

  it('should name the invalid field', () => {
    const raw = read('cmd/infracost/testdata/plan_with_target.json');
    expect(() => summarizeTerraformPlan({ ...raw, format_version: 1 })).toThrow(/^plan\.format_version: /);
    const broken = structuredClone(raw);
    broken.resource_changes[0].change.actions = ['explode'];
    expect(() => summarizeTerraformPlan(broken)).toThrow(/^plan\.resource_changes\[0\]\.change\.actions\[0\]: /);
    expect(() => summarizeTerraformPlan(null)).toThrow(/^plan: /);
  });
});
