/**
 * Error types reported per cluster, named as the Backstage Kubernetes plugin names them
 * where it has a name (`UNAUTHORIZED_ERROR`, `NOT_FOUND`, `SYSTEM_ERROR`, `UNKNOWN_ERROR`).
 * @public
 */
export type KubeErrorType =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED_ERROR'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'GONE'
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'SYSTEM_ERROR'
  | 'UNKNOWN_ERROR';

/**
 * Maps an HTTP status code of the Kubernetes API to an error type.
 * @public
 */
export function statusCodeToErrorType(statusCode: number): KubeErrorType {
  switch (statusCode) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED_ERROR';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 410:
      return 'GONE';
    case 408:
    case 504:
      return 'TIMEOUT';
    default:
      return statusCode >= 500 ? 'SYSTEM_ERROR' : 'UNKNOWN_ERROR';
  }
}

/**
 * A classified failure of one request to one cluster.
 * @public
 */
export interface ClassifiedKubeError {
  errorType: KubeErrorType;
  statusCode?: number;
  message: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Classifies an error thrown by `@kubernetes/client-node` (an `ApiException`
 * with `code` and a `Status` body, a watch error with `statusCode`, or an
 * undici network error with `cause.code`). The message is the Status message
 * when there is one; request headers (and so tokens) never appear in it.
 * @public
 */
export function classifyKubeError(error: unknown): ClassifiedKubeError {
  const e = error as any;
  let statusCode: number | undefined;
  if (typeof e?.code === 'number') statusCode = e.code;
  else if (typeof e?.statusCode === 'number') statusCode = e.statusCode;
  if (statusCode !== undefined) {
    return {
      errorType: statusCodeToErrorType(statusCode),
      statusCode,
      message:
        statusMessage(e?.body) ??
        `HTTP ${statusCode}${
          e?.message && !String(e.message).startsWith('HTTP-Code')
            ? ` ${e.message}`
            : ''
        }`,
    };
  }
  if (e?.name === 'TimeoutError' || e?.name === 'NodeHealthTimeoutError') {
    return { errorType: 'TIMEOUT', message: e.message ?? 'Request timed out' };
  }
  const code: string | undefined = e?.cause?.code ?? e?.code;
  if (code && TIMEOUT_CODES.has(code)) {
    return {
      errorType: 'TIMEOUT',
      message: `${code}: ${e?.cause?.message ?? e?.message ?? 'timed out'}`,
    };
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return {
      errorType: 'UNREACHABLE',
      message: `${code}: ${e?.cause?.message ?? e?.message ?? 'unreachable'}`,
    };
  }
  return {
    errorType: 'UNKNOWN_ERROR',
    message: String(e?.message ?? e).split('\n')[0],
  };
}

function statusMessage(body: unknown): string | undefined {
  let b = body as any;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  return b && b.kind === 'Status' && typeof b.message === 'string'
    ? b.message
    : undefined;
}

/**
 * Thrown when a cluster does not answer within the configured time.
 * @public
 */
export class NodeHealthTimeoutError extends Error {
  name = 'NodeHealthTimeoutError';
}
