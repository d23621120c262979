import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  telemetryBatchSchema,
  TelemetryIngestResponse,
} from '@goldenpath/plugin-reliability-common';
import { TelemetryWriter } from '../services/Telemetry';

const JSON_TYPES = ['application/json'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * Options of {@link createTelemetryRoutes}.
 *
 * @public
 */
export interface TelemetryRoutesOptions {
  httpAuth: HttpAuthService;
  telemetryWriter: TelemetryWriter;
  /** Largest accepted body in bytes (413 above). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Largest accepted batch in rows (400 above). Default 100000. */
  maxBatchRows?: number;
}

/**
 * `POST /telemetry`: ingest a batch of telemetry rows.
 *
 * Callers are service principals (Backstage external-access tokens, or other
 * backend plugins). The body is JSON (`[row, …]` or `{ "rows": [row, …] }`)
 * or NDJSON (`application/x-ndjson`, one row per line). An optional
 * `Idempotency-Key` header becomes the insert deduplication token; without it
 * the SHA-256 of the batch is used, so a retried batch is stored once.
 *
 * Answers 200 with {@link TelemetryIngestResponse}; 400 naming the first bad
 * row and field; 401 for non-service callers; 413 above `maxBodyBytes`;
 * 503 when ClickHouse is unreachable.
 *
 * @public
 */
export function createTelemetryRoutes(options: TelemetryRoutesOptions): express.Router {
  const { httpAuth, telemetryWriter } = options;
  const maxBatchRows = options.maxBatchRows ?? 100_000;
  const router = Router();

  router.post(
    '/telemetry',
    express.text({
      type: [...JSON_TYPES, ...NDJSON_TYPES],
      limit: options.maxBodyBytes ?? 10 * 1024 * 1024,
    }),
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['service'] });
      if (typeof req.body !== 'string') {
        throw new InputError(
          `Unsupported Content-Type '${req.get('content-type') ?? ''}': send ${[...JSON_TYPES, ...NDJSON_TYPES].join(' or ')}`,
        );
      }
      const raw = req.is(NDJSON_TYPES) ? parseNdjson(req.body) : parseJson(req.body);
      const parsed = telemetryBatchSchema.safeParse(raw);
      if (!parsed.success) {
        throw new InputError(parsed.error.toString());
      }
      const rows = Array.isArray(parsed.data) ? parsed.data : parsed.data.rows;
      if (rows.length > maxBatchRows) {
        throw new InputError(
          `Batch has ${rows.length} rows; the limit is ${maxBatchRows}: split it`,
        );
      }
      const result = await telemetryWriter.write(rows, {
        deduplicationToken: req.get('idempotency-key') || undefined,
        assumeValid: true,
      });
      const body: TelemetryIngestResponse = {
        rows: result.rows,
        deduplicationToken: result.deduplicationToken,
        generatedAt: new Date().toISOString(),
        errors: [],
      };
      res.json(body);
    },
  );

  return router;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`Body is not valid JSON: ${(error as Error).message}`);
  }
}

function parseNdjson(text: string): unknown[] {
  const rows: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch (error) {
      throw new InputError(
        `NDJSON line ${i + 1} is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  return rows;
}
