import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/**
 * The Goldenpath reliability plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'reliability',
  extensions: [],
});
