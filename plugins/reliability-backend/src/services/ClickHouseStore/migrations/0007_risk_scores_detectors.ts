import { Migration } from './types';

/**
 * The four detector scores as plain columns of `risk_scores`, so the 24-hour
 * trend is read without the wide `detail` map (measured: reading the map
 * dominated the entity route).
 *
 * @public
 */
export const migration: Migration = {
  version: 7,
  name: 'risk_scores_detectors',
  up: ({ database, onCluster }) => [
    `ALTER TABLE ${database}.risk_scores${onCluster}
  ADD COLUMN IF NOT EXISTS consensus Float64 DEFAULT 0 AFTER composite,
  ADD COLUMN IF NOT EXISTS hardware Float64 DEFAULT 0 AFTER consensus,
  ADD COLUMN IF NOT EXISTS storage Float64 DEFAULT 0 AFTER hardware,
  ADD COLUMN IF NOT EXISTS p2p Float64 DEFAULT 0 AFTER storage`,
  ],
};
