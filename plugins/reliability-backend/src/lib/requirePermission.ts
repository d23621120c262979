import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * One permission to check: a basic permission alone, or a resource permission
 * (`resourceType: 'catalog-entity'`) with the stringified entity ref it applies
 * to (`component:default/my-node`).
 * @public
 */
export type PermissionCheck =
  | { permission: BasicPermission; resourceRef?: undefined }
  | { permission: ResourcePermission; resourceRef: string };

/**
 * Checks one permission for the caller and throws when it is denied.
 *
 * @throws NotAllowedError when the decision is not ALLOW
 * @public
 */
export async function requirePermission(
  options: {
    permissions: PermissionsService;
    credentials: BackstageCredentials;
  } & PermissionCheck,
): Promise<void> {
  const { permissions, credentials } = options;
  const request: AuthorizePermissionRequest =
    options.permission.type === 'resource'
      ? { permission: options.permission, resourceRef: options.resourceRef! }
      : { permission: options.permission };
  const [decision] = await permissions.authorize([request], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Not allowed: ${options.permission.name}`);
  }
}
