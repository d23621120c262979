import type { ValidatorNode, ValidatorNodeRole } from '@goldenpath/plugin-reliability-common';
import { needsHotKey } from '../reconcile/desired';
import { toBytes } from '../reconcile/quantity';

/**
 * Admission policy settings.
 * @public
 */
export interface AdmissionPolicy {
  /** Networks treated as mainnet: at most one `validator` per network. Default polkadot, kusama. */
  mainnets: string[];
  /**
   * Minimum `spec.storage.size` per role. Defaults: 200Gi for validator, full and miner
   * (a pruned Polkadot database was about 150 GB in 2025), 2Ti for archive (about 1.5 TB and growing).
   */
  minStorage: Record<ValidatorNodeRole, string>;
}

/** @public */
export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = {
  mainnets: ['polkadot', 'kusama'],
  minStorage: { validator: '200Gi', full: '200Gi', miner: '200Gi', archive: '2Ti' },
};

/**
 * An `admission.k8s.io/v1` AdmissionReview request, as far as the webhook reads it.
 * @public
 */
export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: ValidatorNode;
  oldObject?: ValidatorNode;
}

/**
 * Decides one admission request. Rules:
 *
 * 1. `validator` and `miner` need `spec.hotKeySecretRef`; `full` and `archive` must not have one.
 * 2. On a mainnet network, at most one `validator` per network in the cluster
 *    (`existing` = the ValidatorNodes already stored; the object itself is skipped by namespace/name).
 * 3. `spec.storage.size` is at least the role's minimum.
 * 4. On UPDATE, `spec.chain.type` and `spec.chain.network` are immutable, `spec.storage.size`
 *    may only grow and `spec.storage.storageClassName` may not change.
 *
 * @returns the reasons for rejection; empty means allowed
 * @public
 */
export function reviewValidatorNode(
  request: AdmissionRequest,
  existing: ValidatorNode[],
  policy: AdmissionPolicy = DEFAULT_ADMISSION_POLICY,
): string[] {
  const reasons: string[] = [];
  const obj = request.object;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return reasons;
  if (!obj?.spec?.chain) return ['spec.chain is required'];
  const role = obj.spec.role ?? 'full';
  const network = obj.spec.chain.network;

  if (needsHotKey(role) && !obj.spec.hotKeySecretRef?.name) {
    reasons.push(`spec.hotKeySecretRef: a ${role} needs a key Secret`);
  }
  if (!needsHotKey(role) && obj.spec.hotKeySecretRef) {
    reasons.push(`spec.hotKeySecretRef: a ${role} node must not have a key Secret`);
  }
  if (role === 'validator' && policy.mainnets.includes(network)) {
    const other = existing.find(
      n =>
        (n.spec.role ?? 'full') === 'validator' &&
        n.spec.chain?.network === network &&
        !(n.metadata.namespace === obj.metadata.namespace && n.metadata.name === obj.metadata.name),
    );
    if (other) {
      reasons.push(
        `spec.chain.network: mainnet ${network} already has validator ${other.metadata.namespace}/${other.metadata.name}`,
      );
    }
  }
  const size = obj.spec.storage?.size ?? '500Gi';
  const min = policy.minStorage[role];
  if (!(toBytes(size) >= toBytes(min))) {
    reasons.push(`spec.storage.size: ${size} is below the ${min} minimum for a ${role}`);
  }
  const old = request.oldObject;
  if (request.operation === 'UPDATE' && old?.spec?.chain) {
    if ((old.spec.chain.type ?? 'substrate') !== (obj.spec.chain.type ?? 'substrate')) {
      reasons.push('spec.chain.type is immutable');
    }
    if (old.spec.chain.network !== network) {
      reasons.push(`spec.chain.network is immutable (was ${old.spec.chain.network})`);
    }
    const oldSize = old.spec.storage?.size ?? '500Gi';
    if (toBytes(size) < toBytes(oldSize)) {
      reasons.push(`spec.storage.size may only grow (was ${oldSize}, now ${size})`);
    }
    if ((old.spec.storage?.storageClassName ?? '') !== (obj.spec.storage?.storageClassName ?? '')) {
      reasons.push('spec.storage.storageClassName is immutable');
    }
  }
  return reasons;
}
