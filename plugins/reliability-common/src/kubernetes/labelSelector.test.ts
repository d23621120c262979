import { LabelSelectorError, parseLabelSelector } from './labelSelector';

describe('parseLabelSelector', () => {
  const labels = { app: 'validator', tier: 'chain', 'backstage.io/kubernetes-id': 'validator-alpha' };

  it('should match equality and set requirements as the API server does', () => {
    expect(parseLabelSelector('backstage.io/kubernetes-id=validator-alpha')(labels)).toBe(true);
    expect(parseLabelSelector('app==validator,tier!=web')(labels)).toBe(true);
    expect(parseLabelSelector('app=web')(labels)).toBe(false);
    expect(parseLabelSelector('tier in (chain, storage)')(labels)).toBe(true);
    expect(parseLabelSelector('tier notin (chain)')(labels)).toBe(false);
    expect(parseLabelSelector('app,!missing')(labels)).toBe(true);
    expect(parseLabelSelector('!app')(labels)).toBe(false);
  });

  it('should let != and notin match objects without the key, and the empty selector match all', () => {
    expect(parseLabelSelector('zone!=a')({})).toBe(true);
    expect(parseLabelSelector('zone notin (a,b)')(undefined)).toBe(true);
    expect(parseLabelSelector('zone in (a,b)')({})).toBe(false);
    expect(parseLabelSelector('')({})).toBe(true);
    expect(parseLabelSelector(undefined)(labels)).toBe(true);
  });

  it('should reject a malformed requirement, naming it', () => {
    expect(() => parseLabelSelector('app=validator,tier in chain')).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector('app=valid ator')).toThrow(
      "Invalid label selector requirement 'app=valid ator' in 'app=valid ator'",
    );
  });
});
