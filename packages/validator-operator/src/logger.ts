/**
 * The logger the operator writes to; structured metadata next to a message, as Backstage's
 * `LoggerService`. Never pass secrets in `meta`.
 * @public
 */
export interface OperatorLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/**
 * One JSON object per line on stdout/stderr (what log collectors in a cluster expect).
 * @public
 */
export function jsonLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): OperatorLogger {
  const order = ['debug', 'info', 'warn', 'error'];
  const log = (lvl: string) => (message: string, meta?: Record<string, unknown>) => {
    if (order.indexOf(lvl) < order.indexOf(level)) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), level: lvl, message, ...meta });
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (tests). @public */
export const silentLogger: OperatorLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
