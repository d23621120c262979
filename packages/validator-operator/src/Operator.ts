import { LeaderElector } from './controller/LeaderElector';
import {
  ValidatorNodeController,
  ValidatorNodeControllerOptions,
} from './controller/ValidatorNodeController';
import { NamespaceReaper } from './reaper/NamespaceReaper';

/**
 * Options of {@link Operator}.
 * @public
 */
export interface OperatorOptions extends ValidatorNodeControllerOptions {
  /** This replica's identity (Lease holder, Events' reporting instance). */
  identity: string;
  /** Leader election settings; undefined runs without election (a single replica). */
  leaderElection?: {
    namespace: string;
    leaseDurationSeconds?: number;
    retryPeriodMs?: number;
  };
  /** The preview reaper to run while leading, if any. */
  reaper?: NamespaceReaper;
  /** Called when leadership is lost after it was held (the process should exit). */
  onLostLeadership?: () => void;
}

/**
 * The operator process: while this replica holds the Lease it runs the ValidatorNode
 * controller (and the reaper); it never runs them otherwise. Losing the Lease stops both and
 * calls `onLostLeadership`, after which the replica must not act again (controller-runtime
 * exits the process; `main` does the same).
 * @public
 */
export class Operator {
  readonly controller: ValidatorNodeController;
  readonly #o: OperatorOptions;
  readonly #elector?: LeaderElector;
  #ready = false;
  #leading = false;

  static create(options: OperatorOptions): Operator {
    return new Operator(options);
  }

  private constructor(o: OperatorOptions) {
    this.#o = o;
    this.controller = ValidatorNodeController.create(o);
    if (o.leaderElection) {
      this.#elector = LeaderElector.create({
        kube: o.kube,
        identity: o.identity,
        namespace: o.leaderElection.namespace,
        leaseDurationSeconds: o.leaderElection.leaseDurationSeconds,
        retryPeriodMs: o.leaderElection.retryPeriodMs,
        onStartedLeading: () => this.#lead(),
        onStoppedLeading: () => this.#lose(),
      });
    }
  }

  /** Whether the controller runs (this replica leads and its caches synced). */
  get ready(): boolean {
    return this.#ready;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start() {
    if (this.#elector) this.#elector.start();
    else this.#lead();
  }

  /** Stops everything and releases the Lease. */
  async stop() {
    this.#o.reaper?.stop();
    await this.controller.stop();
    await this.#elector?.stop();
    this.#ready = false;
  }

  /** Stops renewing without releasing: what a crashed replica looks like (tests). */
  async crash() {
    this.#o.reaper?.stop();
    await this.controller.stop();
    this.#elector?.stopRenewing();
    this.#ready = false;
  }

  #lead() {
    this.#leading = true;
    this.#o.metrics.leader.set(1);
    this.#o.logger.info('Leading: starting controllers', { identity: this.#o.identity });
    this.controller.start().then(
      () => {
        this.#ready = this.#leading;
      },
      e => this.#o.logger.error('Controller failed to start', { error: String(e?.message ?? e) }),
    );
    this.#o.reaper?.start();
  }

  #lose() {
    const wasLeading = this.#leading;
    this.#leading = false;
    this.#ready = false;
    this.#o.metrics.leader.set(0);
    this.#o.reaper?.stop();
    void this.controller.stop();
    if (wasLeading) {
      this.#o.logger.warn('Lost leadership', { identity: this.#o.identity });
      this.#o.onLostLeadership?.();
    }
  }
}
