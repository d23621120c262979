import express from 'express';
import Router from 'express-promise-router';
import { finished, Readable } from 'node:stream';
import getRawBody from 'raw-body';
import { GithubWebhookService } from '../services/Webhooks';

/**
 * GitHub's cap on webhook payloads: larger events are not delivered.
 * @public
 */
export const GITHUB_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Options of {@link createWebhookRoutes}.
 * @public
 */
export interface WebhookRoutesOptions {
  githubWebhooks: GithubWebhookService;
  /** Largest accepted body in bytes (413 above). Default 25 MiB, GitHub's own cap. */
  maxBodyBytes?: number;
}

/**
 * `POST /webhooks/github`: GitHub webhook receiver for DORA.
 *
 * Called by GitHub, not by a Backstage principal: the plugin registers this path with
 * `httpRouter.addAuthPolicy({ path: '/webhooks/github', allow: 'unauthenticated' })` and the
 * `X-Hub-Signature-256` HMAC over the raw body is the authentication.
 *
 * Answers 200 `{ status: 'stored' | 'duplicate' }` once the event is durably stored, 202
 * `{ status: 'ignored' }` for events that are not DORA inputs, 400 naming the bad header or field
 * (or a body that does not match its Content-Length), 401 for a missing or wrong signature, 413
 * above the size cap, 415 for a compressed body (`Content-Encoding` other than identity), 503 when ClickHouse is unreachable
 * (GitHub then shows the delivery as failed and it can be redelivered).
 *
 * @public
 */
export function createWebhookRoutes(options: WebhookRoutesOptions): express.Router {
  const router = Router();
  const limit = options.maxBodyBytes ?? GITHUB_WEBHOOK_MAX_BYTES;
  router.post('/webhooks/github', async (req, res) => {
    // The exact bytes, read with `raw-body` itself rather than `express.raw` (body-parser): the
    // signature covers them as sent, and body-parser's type matching and stream wrapping cost ~4 %
    // of the main thread per delivery under load (bench/ingest/load.ts --cpu-prof). raw-body's
    // errors carry their status: 413 above `limit` (before reading, from Content-Length, or while
    // reading), 400 for a body shorter or longer than its Content-Length or an aborted request.
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      // GitHub sends webhook bodies uncompressed and signs the uncompressed bytes
      await discardBody(req);
      throw Object.assign(new Error(`Unsupported Content-Encoding: ${encoding}`), {
        name: 'UnsupportedMediaTypeError',
        statusCode: 415,
      });
    }
    let rawBody: Buffer;
    try {
      rawBody = await getRawBody(req, { length: req.headers['content-length'], limit });
    } catch (error) {
      // like body-parser: read off the rest of the request before answering, so the client is
      // not cut off while still sending and the connection stays usable
      await discardBody(req);
      throw error;
    }
    const receipt = await options.githubWebhooks.receive({
      eventName: req.get('x-github-event'),
      deliveryId: req.get('x-github-delivery'),
      signature: req.get('x-hub-signature-256'),
      contentType: req.get('content-type'),
      rawBody,
    });
    // Written with `res.end` rather than `res.json`: Express's `res.send` hashes every body for an
    // ETag and checks request freshness, which a webhook sender never uses (~3 % of the main
    // thread per delivery under load, bench/ingest/load.ts --cpu-prof).
    res.statusCode = receipt.status === 'ignored' ? 202 : 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ ...receipt, generatedAt: new Date().toISOString(), errors: [] }));
  });
  return router;
}

/** Reads off and drops what is left of a request body; resolves once the request has ended. */
function discardBody(req: Readable): Promise<void> {
  return new Promise(resolve => {
    if (req.readableEnded || req.destroyed) {
      resolve();
      return;
    }
    finished(req, () => resolve());
    req.unpipe();
    req.resume();
  });
}
