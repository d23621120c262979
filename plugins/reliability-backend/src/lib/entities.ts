import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

const ENTITY_NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * Validates the `:kind/:namespace/:name` route parameters of an entity route.
 *
 * @returns the entity ref with the kind lower-cased
 * @throws InputError naming the bad parameter
 * @public
 */
export function parseEntityRouteParams(params: {
  kind?: string;
  namespace?: string;
  name?: string;
}): CompoundEntityRef {
  for (const key of ['kind', 'namespace', 'name'] as const) {
    const value = params[key];
    if (!value || !ENTITY_NAME_PART.test(value)) {
      throw new InputError(
        `Invalid entity ${key} '${value ?? ''}': expected letters, digits, '.', '_' or '-' (max 253)`,
      );
    }
  }
  return {
    kind: params.kind!.toLocaleLowerCase('en-US'),
    namespace: params.namespace!,
    name: params.name!,
  };
}

/**
 * Fetches an entity from the catalog as the caller.
 *
 * @throws NotFoundError when the catalog has no such entity (or the caller may not see it)
 * @public
 */
export async function getEntityOrThrow(
  catalog: CatalogService,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<Entity> {
  const entity = await catalog.getEntityByRef(ref, { credentials });
  if (!entity) {
    throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
  }
  return entity;
}
