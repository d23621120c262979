import {
  isCostDeltaAvailable,
  isDoraMetricsAvailable,
  isDriftAvailable,
  isNodeHealthAvailable,
  isReliabilityAvailable,
  isRiskScoreAvailable,
} from './predicates';
import { bareEntity, validatorEntity } from './__testUtils__/responses';

const withAnnotations = (annotations: Record<string, string>) => ({
  ...bareEntity,
  metadata: { ...bareEntity.metadata, annotations },
});

describe('predicates', () => {
  it('should enable each card only with its annotations, ignoring blank values', () => {
    const all = [isNodeHealthAvailable, isRiskScoreAvailable, isDriftAvailable, isCostDeltaAvailable, isDoraMetricsAvailable];
    expect(all.map(p => p(validatorEntity))).toEqual([true, true, true, true, true]);
    expect(all.map(p => p(bareEntity))).toEqual([false, false, false, false, false]);
    expect(isReliabilityAvailable(bareEntity)).toBe(false);

    const selectorOnly = withAnnotations({ 'backstage.io/kubernetes-label-selector': 'app=validator' });
    expect(isNodeHealthAvailable(selectorOnly)).toBe(true);
    expect(isRiskScoreAvailable(selectorOnly)).toBe(false);

    const argoOnly = withAnnotations({ 'argocd/app-name': 'validator-alpha' });
    expect(all.map(p => p(argoOnly))).toEqual([false, false, true, false, false]);
    expect(isReliabilityAvailable(argoOnly)).toBe(true);

    expect(isDoraMetricsAvailable(withAnnotations({ 'github.com/project-slug': '  ' }))).toBe(false);
  });
});
