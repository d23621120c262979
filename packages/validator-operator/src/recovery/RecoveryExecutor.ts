import { createHash } from 'node:crypto';
import type {
  ValidatorNode,
  ValidatorNodeRecoveryStrategy,
} from '@goldenpath/plugin-reliability-common';
import { AnyObject, KubeGateway } from '../kube/KubeGateway';
import { buildDataClaim, dataClaimName, OPERATOR } from '../reconcile/desired';

/**
 * A recovery that cannot proceed (for example no ready VolumeSnapshot); `reason` is CamelCase.
 * @public
 */
export class RecoveryError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecoveryError';
  }
}

/**
 * What one pass of a recovery did (API calls made), for events and tests.
 * @public
 */
export interface RecoveryStepReport {
  steps: string[];
}

/** Name of the node's only pod (StatefulSet ordinal 0). @public */
export function podNameOf(node: ValidatorNode): string {
  return `${node.metadata.name}-0`;
}

/**
 * Name of the claim a `snapshot-restore` that started at `startedAt` restores into:
 * `<name>-data-r<unix seconds>`. Deterministic, so a restarted operator finds the claim it
 * already made instead of making a second one.
 * @public
 */
export function restoreClaimName(node: ValidatorNode, startedAt: string): string {
  return `${node.metadata.name}-data-r${Math.floor(Date.parse(startedAt) / 1000)}`;
}

function olderThan(obj: AnyObject | undefined, time: string): boolean {
  const created = Date.parse(obj?.metadata?.creationTimestamp ?? '');
  return !Number.isNaN(created) && created < Date.parse(time);
}

/**
 * Performs recoveries through the Kubernetes API. Every step is idempotent and keyed by
 * the recovery's start time (`Recovering` condition), so running a pass again — after an
 * operator restart or leader hand-over in the middle of a recovery — repeats no effect:
 * a pod created after the start is not deleted again, the restore claim has a
 * deterministic name, and the node's claim annotation is only set once.
 * @public
 */
export class RecoveryExecutor {
  readonly #kube: KubeGateway;
  readonly #identity: string;

  static create(options: { kube: KubeGateway; identity?: string }): RecoveryExecutor {
    return new RecoveryExecutor(options.kube, options.identity ?? 'validator-operator');
  }

  private constructor(kube: KubeGateway, identity: string) {
    this.#kube = kube;
    this.#identity = identity;
  }

  /**
   * Runs (or resumes) a recovery.
   *
   * - `restart`: delete pod `<name>-0` if it predates `startedAt` (safe: validators use `OnDelete`).
   * - `snapshot-restore`: see {@link RecoveryExecutor.snapshotRestore}.
   * - `cordon-and-alert`: set `spec.unschedulable` on the pod's Kubernetes node and emit a
   *   Warning Event; the caller sets the `Alert` condition.
   *
   * @returns the node as it should be reconciled next (snapshot-restore changes its claim annotation)
   * @throws RecoveryError when the recovery cannot proceed
   */
  async run(
    node: ValidatorNode,
    strategy: ValidatorNodeRecoveryStrategy,
    startedAt: string,
    ensureOwned: (node: ValidatorNode) => Promise<void>,
  ): Promise<{ node: ValidatorNode; report: RecoveryStepReport }> {
    const report: RecoveryStepReport = { steps: [] };
    const ns = node.metadata.namespace!;
    if (strategy === 'cordon-and-alert') {
      const pod = await this.#kube.getPod(ns, podNameOf(node));
      const nodeName: string | undefined = pod?.spec?.nodeName;
      if (!nodeName) {
        throw new RecoveryError('PodNotScheduled', `Pod ${podNameOf(node)} has no node to cordon`);
      }
      const k8sNode = await this.#kube.getNode(nodeName);
      if (!k8sNode?.spec?.unschedulable) {
        await this.#kube.cordonNode(nodeName);
        report.steps.push(`cordon node/${nodeName}`);
      }
      await this.emitEvent(node, {
        type: 'Warning',
        reason: 'NodeCordoned',
        message: `Cordoned Kubernetes node ${nodeName}; ${node.metadata.name} needs a human`,
        key: startedAt,
      });
      report.steps.push('event NodeCordoned');
      return { node, report };
    }
    let current = node;
    if (strategy === 'snapshot-restore') {
      current = await this.snapshotRestore(node, startedAt, report);
      await ensureOwned(current);
    }
    const pod = await this.#kube.getPod(ns, podNameOf(current));
    if (pod && !pod.metadata?.deletionTimestamp && olderThan(pod, startedAt)) {
      if (await this.#kube.deletePod(ns, podNameOf(current))) {
        report.steps.push(`delete pod/${podNameOf(current)}`);
      }
    }
    return { node: current, report };
  }

  /**
   * Moves the node onto a volume restored from its newest ready VolumeSnapshot:
   *
   * 1. list `snapshot.storage.k8s.io/v1` VolumeSnapshots in the namespace whose
   *    `spec.source.persistentVolumeClaimName` is the node's current data claim and whose
   *    `status.readyToUse` is true; take the newest (`status.creationTime`, else creation timestamp);
   * 2. create PVC `<name>-data-r<unix start>` with `dataSource` = that snapshot (same size and class);
   * 3. point the node at it (`validators.goldenpath.dev/data-claim` annotation on the ValidatorNode);
   * 4. the caller then updates the StatefulSet (pod template now mounts the new claim) and
   *    deletes the old pod, which comes back on the restored volume.
   *
   * The old claim is kept (labelled nothing, deleted never): removing chain data is a human decision.
   * @throws RecoveryError `NoReadySnapshot` when no ready snapshot of the claim exists
   */
  async snapshotRestore(
    node: ValidatorNode,
    startedAt: string,
    report: RecoveryStepReport,
  ): Promise<ValidatorNode> {
    const ns = node.metadata.namespace!;
    const target = restoreClaimName(node, startedAt);
    if (dataClaimName(node) === target) return node;
    const source = dataClaimName(node);
    const snapshots = (await this.#kube.listVolumeSnapshots(ns))
      .filter(s => s.spec?.source?.persistentVolumeClaimName === source && s.status?.readyToUse === true)
      .sort((a, b) => snapshotTime(b) - snapshotTime(a));
    report.steps.push('list volumesnapshots');
    const newest = snapshots[0];
    if (!newest) {
      throw new RecoveryError(
        'NoReadySnapshot',
        `No ready VolumeSnapshot of claim ${source} in namespace ${ns}`,
      );
    }
    if (!(await this.#kube.getPersistentVolumeClaim(ns, target))) {
      const claim = buildDataClaim(node, target);
      (claim.spec as AnyObject).dataSource = {
        apiGroup: 'snapshot.storage.k8s.io',
        kind: 'VolumeSnapshot',
        name: newest.metadata.name,
      };
      claim.metadata.annotations = { 'validators.goldenpath.dev/restored-from': newest.metadata.name };
      await this.#kube.createPersistentVolumeClaim(claim);
      report.steps.push(`create persistentvolumeclaim/${target} from volumesnapshot/${newest.metadata.name}`);
    }
    const patched = await this.#kube.patchValidatorNodeMetadata(ns, node.metadata.name, {
      annotations: { [OPERATOR.dataClaim]: target },
    });
    report.steps.push(`annotate validatornode/${node.metadata.name} ${OPERATOR.dataClaim}=${target}`);
    return patched;
  }

  /**
   * Emits a core/v1 Event on the ValidatorNode. The name is derived from node, reason and
   * `key`, so a repeated pass makes no second Event.
   */
  async emitEvent(
    node: ValidatorNode,
    e: { type: 'Normal' | 'Warning'; reason: string; message: string; key: string },
  ) {
    const now = new Date();
    const suffix = createHash('sha256')
      .update(`${node.metadata.uid}/${e.reason}/${e.key}`)
      .digest('hex')
      .slice(0, 10);
    await this.#kube.createEvent({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${node.metadata.name}.${suffix}`, namespace: node.metadata.namespace },
      involvedObject: {
        apiVersion: node.apiVersion,
        kind: node.kind,
        name: node.metadata.name,
        namespace: node.metadata.namespace,
        uid: node.metadata.uid,
      },
      type: e.type,
      reason: e.reason,
      message: e.message.slice(0, 1024),
      source: { component: 'validator-operator' },
      reportingComponent: 'goldenpath.dev/validator-operator',
      reportingInstance: this.#identity,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
  }
}

function snapshotTime(s: AnyObject): number {
  const t = Date.parse(s.status?.creationTime ?? s.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}
