import express from 'express';
import Router from 'express-promise-router';
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
 * `{ status: 'ignored' }` for events that are not DORA inputs, 400 naming the bad header or field,
 * 401 for a missing or wrong signature, 413 above the size cap, 503 when ClickHouse is unreachable
 * (GitHub then shows the delivery as failed and it can be redelivered).
 *
 * @public
 */
export function createWebhookRoutes(options: WebhookRoutesOptions): express.Router {
  const router = Router();
  router.post(
    '/webhooks/github',
    express.raw({ type: () => true, limit: options.maxBodyBytes ?? GITHUB_WEBHOOK_MAX_BYTES }),
    async (req, res) => {
      const receipt = await options.githubWebhooks.receive({
        eventName: req.get('x-github-event'),
        deliveryId: req.get('x-github-delivery'),
        signature: req.get('x-hub-signature-256'),
        contentType: req.get('content-type'),
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      // Written with `res.end` rather than `res.json`: Express's `res.send` hashes every body for
      // an ETag and checks request freshness, which a webhook sender never uses (~3 % of the main
      // thread per delivery under load, bench/ingest/load.ts --cpu-prof).
      res.statusCode = receipt.status === 'ignored' ? 202 : 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ ...receipt, generatedAt: new Date().toISOString(), errors: [] }));
    },
  );
  return router;
}
