import https from 'node:https';
import { AddressInfo } from 'node:net';
import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import { AdmissionPolicy, DEFAULT_ADMISSION_POLICY, reviewValidatorNode } from './admission';

/** Path of the validating webhook, as the operator's ValidatingWebhookConfiguration names it. @public */
export const WEBHOOK_PATH = '/validate-validators-goldenpath-dev-v1alpha1-validatornode';

const MAX_BODY = 3 * 1024 * 1024;

const reviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.object({
    uid: z.string().min(1),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    object: z.any().optional(),
    oldObject: z.any().optional(),
  }),
});

/**
 * The validating admission webhook over HTTPS. `POST {@link WEBHOOK_PATH}` takes an
 * `admission.k8s.io/v1` AdmissionReview and answers one with `response.allowed` and, when
 * denied, `status.code` 403 and every reason joined by `; `. A malformed review answers 400
 * (the API server then applies `failurePolicy: Fail`: fail closed). Other paths answer 404.
 * @public
 */
export class WebhookServer {
  readonly #server: https.Server;

  /**
   * @param options.cert - PEM certificate (chain); options.key - PEM private key
   * @param options.listExisting - the ValidatorNodes already stored (for the one-validator-per-mainnet rule)
   */
  static async start(options: {
    cert: string | Buffer;
    key: string | Buffer;
    port?: number;
    host?: string;
    listExisting: () => Promise<ValidatorNode[]>;
    policy?: AdmissionPolicy;
  }): Promise<WebhookServer> {
    const s = new WebhookServer(options);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(options.port ?? 9443, options.host ?? '0.0.0.0', () => resolve());
    });
    return s;
  }

  private constructor(options: Parameters<typeof WebhookServer.start>[0]) {
    const policy = options.policy ?? DEFAULT_ADMISSION_POLICY;
    this.#server = https.createServer(
      { cert: options.cert, key: options.key, minVersion: 'TLSv1.2' },
      (req, res) => {
        const send = (code: number, body: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method !== 'POST' || req.url?.split('?')[0] !== WEBHOOK_PATH) {
          send(404, { message: 'not found' });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            send(413, { message: `AdmissionReview larger than ${MAX_BODY} bytes` });
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        req.on('end', async () => {
          if (res.headersSent) return;
          let parsed;
          try {
            parsed = reviewSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            send(400, { message: 'body is not JSON' });
            return;
          }
          if (!parsed.success) {
            send(400, { message: `not an admission.k8s.io/v1 AdmissionReview: ${parsed.error.message}` });
            return;
          }
          const request = parsed.data.request;
          try {
            const reasons = reviewValidatorNode(request as any, await options.listExisting(), policy);
            send(200, {
              apiVersion: 'admission.k8s.io/v1',
              kind: 'AdmissionReview',
              response: {
                uid: request.uid,
                allowed: reasons.length === 0,
                ...(reasons.length
                  ? { status: { code: 403, reason: 'Forbidden', message: reasons.join('; ') } }
                  : {}),
              },
            });
          } catch (e) {
            send(500, { message: `admission failed: ${e instanceof Error ? e.message : String(e)}` });
          }
        });
      },
    );
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async close() {
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }
}
