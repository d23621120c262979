import { assertError, ServiceUnavailableError } from '@backstage/errors';

const TRANSIENT_ERROR_TYPES = new Set([
  'TIMEOUT_EXCEEDED',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'MEMORY_LIMIT_EXCEEDED',
  'NETWORK_ERROR',
  'SOCKET_TIMEOUT',
  'ALL_CONNECTION_TRIES_FAILED',
  'TABLE_IS_READ_ONLY',
  'KEEPER_EXCEPTION',
]);

/**
 * Maps an error thrown by a ClickHouse call to what the caller should see.
 *
 * Connection failures (refused, reset, timed out, client closed) and
 * transient server states (timeouts, memory/concurrency limits, read-only
 * replicas) become a `ServiceUnavailableError` (HTTP 503) whose message names
 * ClickHouse and the reason. Any other ClickHouse error (a rejected query) is
 * returned unchanged: it is a defect, not an outage.
 *
 * @param error - anything caught around a `store.client` call
 * @returns the error to throw
 * @public
 */
export function mapClickHouseError(error: unknown): Error {
  assertError(error);
  if (isServerError(error) && !TRANSIENT_ERROR_TYPES.has(error.type ?? '')) {
    return error;
  }
  return new ServiceUnavailableError(`ClickHouse unavailable: ${error.message}`, error);
}

// Duck-typed: the embedded connection throws a ClickHouseError class from
// another copy of the client library, so `instanceof` is unreliable.
function isServerError(
  error: Error,
): error is Error & { code: string; type?: string } {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^\d+$/.test(code);
}
