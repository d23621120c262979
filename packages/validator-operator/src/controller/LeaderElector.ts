import { KubeGateway, statusCodeOf } from '../kube/KubeGateway';

/**
 * Options of {@link LeaderElector}.
 * @public
 */
export interface LeaderElectorOptions {
  kube: KubeGateway;
  /** Namespace of the `coordination.k8s.io/v1` Lease. */
  namespace: string;
  /** Lease name. Default `validator-operator`. */
  name?: string;
  /** This replica's identity (the pod name). */
  identity: string;
  /** How long a lease stays valid without renewal, seconds. Default 15 (client-go's default). */
  leaseDurationSeconds?: number;
  /** Time between acquire/renew attempts, ms. Default 2000. */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  now?: () => Date;
}

/**
 * Leader election through a `coordination.k8s.io/v1` Lease, as client-go does it: the
 * holder renews `renewTime` every `retryPeriodMs`; another replica takes the lease over
 * (incrementing `leaseTransitions`) once `renewTime + leaseDurationSeconds` has passed.
 * Writes carry the read `resourceVersion`, so two replicas racing for an expired lease
 * get one 200 and one 409. A leader that cannot renew within the lease duration stops
 * leading. `stop()` releases the lease (empty holder) so a successor need not wait.
 * @public
 */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectorOptions, 'now'>> & { now: () => Date };
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  static create(options: LeaderElectorOptions): LeaderElector {
    return new LeaderElector(options);
  }

  private constructor(o: LeaderElectorOptions) {
    this.#o = {
      name: 'validator-operator',
      leaseDurationSeconds: 15,
      retryPeriodMs: 2000,
      now: () => new Date(),
      ...o,
    };
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start() {
    this.#stopped = false;
    const loop = async () => {
      await this.tryAcquireOrRenew();
      if (!this.#stopped) {
        this.#timer = setTimeout(loop, this.#o.retryPeriodMs);
        this.#timer.unref?.();
      }
    };
    void loop();
  }

  /** Stops the renewal loop without releasing the lease (what a crash looks like). */
  stopRenewing() {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#leading) {
      try {
        const lease = await this.#o.kube.getLease(this.#o.namespace, this.#o.name);
        if (lease?.spec?.holderIdentity === this.#o.identity) {
          await this.#o.kube.replaceLease(this.#o.namespace, {
            ...lease,
            spec: { ...lease.spec, holderIdentity: '' },
          });
        }
      } catch {
        // The lease expires by itself.
      }
      this.#setLeading(false);
    }
  }

  /** One election round. @returns whether this replica leads after it */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { kube, namespace, name, identity, leaseDurationSeconds } = this.#o;
    const now = this.#o.now();
    try {
      const lease = await kube.getLease(namespace, name);
      if (!lease) {
        await kube.createLease(namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: now.toISOString(),
            renewTime: now.toISOString(),
            leaseTransitions: 0,
          },
        });
        return this.#renewed(now);
      }
      const spec = lease.spec ?? {};
      const holder: string = spec.holderIdentity ?? '';
      const renewedAt = Date.parse(spec.renewTime ?? spec.acquireTime ?? 0);
      const expired =
        !holder ||
        Number.isNaN(renewedAt) ||
        renewedAt + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < now.getTime();
      if (holder !== identity && !expired) {
        this.#setLeading(false);
        return false;
      }
      const takeover = holder !== identity;
      await kube.replaceLease(namespace, {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: now.toISOString(),
          ...(takeover
            ? {
                acquireTime: now.toISOString(),
                leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
              }
            : {}),
        },
      });
      return this.#renewed(now);
    } catch (e) {
      const lostRace = statusCodeOf(e) === 409;
      if (
        lostRace ||
        now.getTime() - this.#lastRenew > leaseDurationSeconds * 1000
      ) {
        this.#setLeading(false);
      }
      return this.#leading;
    }
  }

  #renewed(now: Date): boolean {
    this.#lastRenew = now.getTime();
    this.#setLeading(true);
    return true;
  }

  #setLeading(leading: boolean) {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }
}
