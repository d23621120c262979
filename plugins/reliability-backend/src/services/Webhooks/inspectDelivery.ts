import { AuthenticationError, InputError } from '@backstage/errors';
import { verify } from '@octokit/webhooks-methods';
import { NormalizedGithubPayload, normalizeGithubPayload } from './normalizeGithubEvent';

/**
 * The parts of one GitHub delivery that {@link inspectGithubDelivery} checks: headers and the
 * exact body bytes.
 * @public
 */
export type InspectableDelivery = {
  /** `X-GitHub-Event` */
  eventName: string | undefined;
  /** `X-GitHub-Delivery` */
  deliveryId: string | undefined;
  /** `X-Hub-Signature-256`, `sha256=<hex>` */
  signature: string | undefined;
  /** `Content-Type` */
  contentType: string | undefined;
  /** Exact bytes of the request body. */
  body: Uint8Array;
};

const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
const EVENT_NAME = /^[a-z0-9_]{1,64}$/;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * Verifies and normalises one delivery, in this order: `X-Hub-Signature-256` (HMAC-SHA256 of the
 * raw body with `@octokit/webhooks-methods`, against each secret in turn), the `X-GitHub-Event` and
 * `X-GitHub-Delivery` headers, the JSON (or form-encoded `payload=`) body, then the DORA fields of
 * the payload. Runs in the webhook payload worker (see `PayloadWorkers`) or, without workers, in
 * the caller's thread.
 *
 * @param secrets - webhook secrets; none means every delivery is rejected
 * @param deferFirstCommit - leave a merged pull request's first commit to a resolver (see
 *   `normalizeGithubPayload`)
 * @throws AuthenticationError (401) on a missing, malformed or wrong signature
 * @throws InputError (400) naming the header or field on malformed input
 * @public
 */
export async function inspectGithubDelivery(
  secrets: readonly string[],
  delivery: InspectableDelivery,
  deferFirstCommit: boolean,
): Promise<NormalizedGithubPayload> {
  // Decoded once: the signature covers these exact bytes and the payload is parsed from them.
  const text = Buffer.from(delivery.body.buffer, delivery.body.byteOffset, delivery.body.byteLength).toString('utf8');
  const { signature, eventName, deliveryId } = delivery;
  if (!signature) {
    throw new AuthenticationError('Missing X-Hub-Signature-256 header');
  }
  if (!SIGNATURE.test(signature)) {
    throw new AuthenticationError('Malformed X-Hub-Signature-256 header');
  }
  let verified = false;
  for (const secret of secrets) {
    if (text.length > 0 && (await verify(secret, text, signature))) {
      verified = true;
      break;
    }
  }
  if (!verified) {
    throw new AuthenticationError('X-Hub-Signature-256 does not match any webhook secret');
  }
  if (!eventName || !EVENT_NAME.test(eventName)) {
    throw new InputError('Missing or invalid X-GitHub-Event header');
  }
  if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
    throw new InputError('Missing or invalid X-GitHub-Delivery header');
  }
  const payload = parsePayload(text, delivery.contentType);
  try {
    return normalizeGithubPayload({ eventName, deliveryId, payload, deferFirstCommit });
  } catch (error) {
    if (error instanceof TypeError) {
      throw new InputError(`Invalid ${eventName} payload: ${error.message}`);
    }
    throw error;
  }
}

function parsePayload(body: string, contentType: string | undefined): unknown {
  let text = body;
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) {
      throw new InputError('Form-encoded webhook without a payload field');
    }
    text = payload;
  }
  if (text.trim() === '') {
    throw new InputError('Empty webhook body');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`Webhook body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError('Webhook body must be a JSON object');
  }
  return parsed;
}
