/**
 * A `meta/v1 Status` object as kube-apiserver sends it with a failed request.
 *
 * @public
 */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: {};
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason: string; message: string; field?: string }>;
    retryAfterSeconds?: number;
  };
  code?: number;
}

/**
 * An error carrying the Status body and HTTP code the fake server answers with.
 *
 * @public
 */
export class KubeStatusError extends Error {
  readonly status: KubeStatus;
  constructor(status: KubeStatus) {
    super(status.message ?? status.reason ?? 'Failure');
    this.name = 'KubeStatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeStatusError {
  const status: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
  };
  if (details) status.details = details;
  status.code = code;
  return new KubeStatusError(status);
}

/**
 * Builders of the Status errors kube-apiserver returns, with its exact wording
 * (checked against the recorded responses in `fixtures/status`).
 *
 * @public
 */
export const statusErrors = {
  notFound(resource: string, name: string, group = '') {
    return failure(
      404,
      'NotFound',
      `${qualified(resource, group)} "${name}" not found`,
      {
        name,
        ...(group ? { group } : {}),
        kind: resource,
      },
    );
  },
  unknownPath() {
    return failure(
      404,
      'NotFound',
      'the server could not find the requested resource',
      {},
    );
  },
  alreadyExists(resource: string, name: string, group = '') {
    return failure(
      409,
      'AlreadyExists',
      `${qualified(resource, group)} "${name}" already exists`,
      {
        name,
        ...(group ? { group } : {}),
        kind: resource,
      },
    );
  },
  conflict(resource: string, name: string, group = '') {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(
        resource,
        group,
      )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, ...(group ? { group } : {}), kind: resource },
    );
  },
  unauthorized() {
    return failure(401, 'Unauthorized', 'Unauthorized');
  },
  forbidden(options: {
    user: string;
    verb: string;
    resource: string;
    group: string;
    namespace?: string;
    name?: string;
  }) {
    const { user, verb, resource, group, namespace, name } = options;
    const scope = namespace
      ? `in the namespace "${namespace}"`
      : 'at the cluster scope';
    const subject = name
      ? `${qualified(resource, group)} "${name}" is forbidden`
      : `${qualified(resource, group)} is forbidden`;
    return failure(
      403,
      'Forbidden',
      `${subject}: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
      {
        ...(name ? { name } : {}),
        ...(group ? { group } : {}),
        kind: resource,
      },
    );
  },
  badRequest(message: string) {
    return failure(400, 'BadRequest', message);
  },
  invalid(
    kind: string,
    name: string,
    group: string,
    field: string,
    message: string,
  ) {
    return failure(
      422,
      'Invalid',
      `${kind}${
        group ? `.${group}` : ''
      } "${name}" is invalid: ${field}: ${message}`,
      {
        name,
        ...(group ? { group } : {}),
        kind,
        causes: [{ reason: 'FieldValueInvalid', message, field }],
      },
    );
  },
  unsupportedMediaType(contentType: string) {
    return failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
    );
  },
  methodNotAllowed() {
    return failure(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  },
  /** HTTP 410 on LIST, or the `ERROR` event object of a watch. */
  expired(requested: string, current: string) {
    return failure(
      410,
      'Expired',
      `too old resource version: ${requested} (${current})`,
    );
  },
  internal(message: string) {
    return failure(500, 'InternalError', `Internal error occurred: ${message}`);
  },
  timeout(
    message = 'Timeout: request did not complete within requested timeout - context deadline exceeded',
  ) {
    return failure(504, 'Timeout', message);
  },
};

function qualified(resource: string, group: string) {
  return group ? `${resource}.${group}` : resource;
}

/**
 * A `Status` of kind Success, as DELETE of a custom resource returns it.
 *
 * @public
 */
export function successStatus(details: KubeStatus['details']): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details,
  };
}
