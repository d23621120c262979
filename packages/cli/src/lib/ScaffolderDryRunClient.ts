import { CliError } from './errors';
import { DirectoryContent } from './templateSource';

/**
 * One log line of a dry run; `stepId` and `status` are set on the scaffolder's step events.
 * @public
 */
export interface DryRunLogEntry {
  body: {
    message: string;
    stepId?: string;
    status?: 'processing' | 'completed' | 'failed' | 'skipped' | 'cancelled' | 'open';
    [key: string]: unknown;
  };
}

/**
 * Answer of `POST /api/scaffolder/v2/dry-run`.
 * @public
 */
export interface DryRunResponse {
  log: DryRunLogEntry[];
  directoryContents: Array<DirectoryContent & { executable?: boolean }>;
  output: Record<string, unknown>;
  steps: Array<{ id: string; name: string; action: string }>;
}

/**
 * One parameter that failed the template's JSON schema.
 * @public
 */
export interface ParameterError {
  /** Dotted path of the parameter, e.g. `name` or `environments[0].name`. */
  parameter: string;
  /** What is wrong, as the scaffolder's schema validator says it. */
  message: string;
}

/**
 * The scaffolder refused the values: they do not match the template's parameter schema.
 * @public
 */
export class ParameterValidationError extends CliError {
  readonly errors: ParameterError[];

  constructor(errors: ParameterError[]) {
    super(
      `The values do not match the template's parameters:\n${errors
        .map(e => `  - ${e.parameter}: ${e.message}`)
        .join('\n')}`,
      1,
    );
    this.name = 'ParameterValidationError';
    this.errors = errors;
  }
}

/**
 * The dry run started but a step (or the scaffolder) failed.
 * @public
 */
export class DryRunFailedError extends CliError {
  /** HTTP status of the scaffolder's answer. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message, 1);
    this.name = 'DryRunFailedError';
    this.status = status;
  }
}

interface JsonSchemaError {
  property?: string;
  path?: Array<string | number>;
  message?: string;
  name?: string;
  argument?: unknown;
  stack?: string;
}

function toParameterError(e: JsonSchemaError): ParameterError {
  let parameter = (e.property ?? 'instance').replace(/^instance\.?/, '');
  if (e.name === 'required' && typeof e.argument === 'string') {
    parameter = parameter ? `${parameter}.${e.argument}` : e.argument;
  }
  return { parameter: parameter || '(values)', message: e.message ?? e.stack ?? 'is invalid' };
}

/**
 * Calls the scaffolder's dry-run endpoint of a running Backstage backend.
 * @public
 */
export class ScaffolderDryRunClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  private constructor(baseUrl: string, token: string | undefined, fetchImpl: typeof fetch) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#fetch = fetchImpl;
  }

  /**
   * @param options.baseUrl - backend base URL, e.g. `http://localhost:7007`
   * @param options.token - bearer token (a static external-access token or a user token)
   */
  static create(options: { baseUrl: string; token?: string; fetch?: typeof fetch }): ScaffolderDryRunClient {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new CliError(`--backend must be an http(s) URL, got '${options.baseUrl}'`, 2);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliError(`--backend must be an http(s) URL, got '${options.baseUrl}'`, 2);
    }
    return new ScaffolderDryRunClient(options.baseUrl, options.token, options.fetch ?? fetch);
  }

  /**
   * Runs `POST /api/scaffolder/v2/dry-run`.
   *
   * @throws ParameterValidationError when the scaffolder answers 400 with schema `errors`
   * @throws DryRunFailedError for a failed step, 401/403, or any other non-2xx answer
   * @throws CliError when the backend cannot be reached
   */
  async dryRun(request: {
    template: unknown;
    values: Record<string, unknown>;
    secrets?: Record<string, string>;
    directoryContents: DirectoryContent[];
  }): Promise<DryRunResponse> {
    const url = `${this.#baseUrl}/api/scaffolder/v2/dry-run`;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        body: JSON.stringify(request),
      });
    } catch (e) {
      throw new CliError(`Cannot reach the scaffolder at ${url}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok && body) {
      return body as DryRunResponse;
    }
    if (res.status === 400 && Array.isArray(body?.errors)) {
      throw new ParameterValidationError((body.errors as JsonSchemaError[]).map(toParameterError));
    }
    if (res.status === 401) {
      throw new DryRunFailedError(`The backend refused the request (401): pass a valid --token`, 401);
    }
    const message = body?.error?.message ?? (text.slice(0, 500) || res.statusText);
    throw new DryRunFailedError(`Dry run failed (${res.status} ${body?.error?.name ?? res.statusText}): ${message}`, res.status);
  }
}
