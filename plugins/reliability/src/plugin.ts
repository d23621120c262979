import { createPlugin } from '@backstage/core-plugin-api';

/**
 * The Goldenpath reliability frontend plugin (legacy frontend system).
 * @public
 */
export const reliabilityPlugin = createPlugin({
  id: 'reliability',
});
