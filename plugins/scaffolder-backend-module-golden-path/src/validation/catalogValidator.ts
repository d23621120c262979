import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  KindValidator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { assertError } from '@backstage/errors';
import type { SchemaViolation } from './strict';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const kindValidators: KindValidator[] = [
  componentEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  templateEntityV1beta3Validator,
];

/**
 * Whether a document is a Backstage catalog entity (`backstage.io/*` or
 * `scaffolder.backstage.io/*` apiVersion).
 * @public
 */
export function isCatalogEntityDocument(doc: unknown): boolean {
  const apiVersion = (doc as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof apiVersion === 'string' && /^([a-z0-9.-]+\.)?backstage\.io\//.test(apiVersion);
}

/**
 * Validates a catalog entity the way the catalog does on ingestion: the envelope and field
 * format policies of `@backstage/catalog-model`, then the kind's own schema (Component, API,
 * Resource, System, Domain, Group, User, Location and scaffolder Template).
 *
 * @returns an empty array when valid; otherwise one violation with the catalog's message
 * @public
 */
export async function validateCatalogEntity(doc: unknown): Promise<SchemaViolation[]> {
  try {
    const entity = await policy.enforce(doc as Entity);
    if (!entity) {
      return [{ path: '', message: 'entity was rejected by the catalog policies' }];
    }
    for (const validator of kindValidators) {
      if (await validator.check(entity)) return [];
    }
    return [
      {
        path: '/kind',
        message: `unknown catalog kind "${entity.kind}" for apiVersion "${entity.apiVersion}"`,
      },
    ];
  } catch (e) {
    assertError(e);
    return [{ path: '', message: e.message }];
  }
}
