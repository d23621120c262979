import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VALIDATOR_NODE_PHASES } from '@goldenpath/plugin-reliability-common';

/**
 * Prometheus metrics of the operator, on their own `Registry` (so tests and two operators
 * in one process do not collide). Names follow the Prometheus naming guide: base units
 * (seconds), `_total` on counters.
 * @public
 */
export class OperatorMetrics {
  readonly registry: Registry;
  /** Reconcile duration in seconds, by result (`success` | `error`). */
  readonly reconcileDuration: Histogram<'result'>;
  /** 1 for the node's current phase, 0 for the others. */
  readonly phase: Gauge<'namespace' | 'name' | 'phase'>;
  /** Recoveries started, by strategy. */
  readonly recoveries: Counter<'strategy'>;
  /** Substrate JSON-RPC probe latency in seconds, by outcome (`ok` | `error`). */
  readonly probeLatency: Histogram<'outcome'>;
  /** Whether this replica holds the leader Lease. */
  readonly leader: Gauge;

  static create(registry = new Registry()): OperatorMetrics {
    return new OperatorMetrics(registry);
  }

  private constructor(registry: Registry) {
    this.registry = registry;
    this.reconcileDuration = new Histogram({
      name: 'validator_operator_reconcile_duration_seconds',
      help: 'Time to reconcile one ValidatorNode',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.phase = new Gauge({
      name: 'validator_operator_node_phase',
      help: 'Phase of each ValidatorNode (1 for the current phase)',
      labelNames: ['namespace', 'name', 'phase'],
      registers: [registry],
    });
    this.recoveries = new Counter({
      name: 'validator_operator_recoveries_total',
      help: 'Recoveries started, by strategy',
      labelNames: ['strategy'],
      registers: [registry],
    });
    this.probeLatency = new Histogram({
      name: 'validator_operator_probe_latency_seconds',
      help: 'Substrate JSON-RPC probe latency (system_health + system_syncState)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.leader = new Gauge({
      name: 'validator_operator_leader',
      help: '1 while this replica holds the leader Lease',
      registers: [registry],
    });
  }

  /** Sets the phase gauge of one node (one series per phase, exactly one at 1). */
  setPhase(namespace: string, name: string, phase: string) {
    for (const p of VALIDATOR_NODE_PHASES) {
      this.phase.set({ namespace, name, phase: p }, p === phase ? 1 : 0);
    }
  }

  /** Drops the phase series of a deleted node. */
  removeNode(namespace: string, name: string) {
    for (const p of VALIDATOR_NODE_PHASES) this.phase.remove({ namespace, name, phase: p });
  }
}
