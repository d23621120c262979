import http from 'node:http';
import { Metrics } from './metrics';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Service name returned by `/hello` and written into logs. */
  serviceName: string;
  metrics?: Metrics;
}

/** The HTTP server plus a switch that makes `/readyz` fail while shutting down. */
export interface Service {
  server: http.Server;
  metrics: Metrics;
  markShuttingDown(): void;
}

const KNOWN_ROUTES = new Set(['/hello', '/healthz', '/readyz', '/metrics']);

function send(res: http.ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

/** Creates the service's HTTP server; routes are `/hello`, `/healthz`, `/readyz` and `/metrics`. */
export function createServer(options: ServerOptions): Service {
  const metrics = options.metrics ?? new Metrics();
  let shuttingDown = false;

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Unknown paths share one label so clients cannot grow the metric cardinality.
    const route = KNOWN_ROUTES.has(url.pathname) ? url.pathname : 'other';
    res.on('finish', () => {
      if (route === '/metrics') return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req.method ?? 'GET', route, res.statusCode, seconds);
    });

    if (req.method !== 'GET') {
      send(res, 405, { error: 'method not allowed' });
      return;
    }
    switch (url.pathname) {
      case '/hello': {
        const name = url.searchParams.get('name') ?? 'world';
        if (name.length > 100) {
          send(res, 400, { error: 'name must be at most 100 characters' });
          return;
        }
        send(res, 200, { message: `Hello, ${name}`, service: options.serviceName });
        return;
      }
      case '/healthz':
        send(res, 200, 'ok', 'text/plain');
        return;
      case '/readyz':
        send(res, shuttingDown ? 503 : 200, shuttingDown ? 'shutting down' : 'ready', 'text/plain');
        return;
      case '/metrics':
        send(res, 200, metrics.render(), 'text/plain; version=0.0.4');
        return;
      default:
        send(res, 404, { error: 'not found' });
    }
  });

  return {
    server,
    metrics,
    markShuttingDown() {
      shuttingDown = true;
    },
  };
}
