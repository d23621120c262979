import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Checks one permission for the caller and throws when it is denied.
 *
 * Resource permissions (`resourceType: 'catalog-entity'`) need `resourceRef`,
 * the stringified entity ref (`component:default/my-node`).
 *
 * @throws NotAllowedError when the decision is not ALLOW
 * @public
 */
export async function requirePermission(options: {
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  permission: BasicPermission | ResourcePermission;
  resourceRef?: string;
}): Promise<void> {
  const { permissions, credentials, permission, resourceRef } = options;
  const request =
    permission.type === 'resource'
      ? { permission, resourceRef }
      : { permission };
  const [decision] = await permissions.authorize([request as any], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Not allowed: ${permission.name}`);
  }
}
