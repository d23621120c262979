/**
 * Goldenpath entity cards: node health, risk score, drift, cost delta and DORA metrics.
 *
 * @packageDocumentation
 */
export { reliabilityPlugin } from './plugin';
