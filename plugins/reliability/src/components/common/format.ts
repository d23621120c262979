import { ResponseError } from '@backstage/errors';

/**
 * "5 s", "3 min", "2 h", "4 d": an age for people, from milliseconds.
 *
 * @internal
 */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/**
 * "12 min ago" from an ISO time, or "never" for null.
 *
 * @internal
 */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${formatAge(now - t)} ago`;
}

/**
 * A number with at most `digits` decimals, or an en dash for null.
 *
 * @internal
 */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * "$1,234.50" style money with a sign option for deltas.
 *
 * @internal
 */
export function money(
  value: number | null | undefined,
  currency = 'USD',
  signed = false,
): string {
  if (value === null || value === undefined) return '–';
  const text = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumFractionDigits: 2,
  }).format(Math.abs(value));
  if (value < 0) return `−${text}`;
  return signed ? `+${text}` : text;
}

/**
 * Hours as "45 min", "20.5 h" or "3.2 d".
 *
 * @internal
 */
export function hours(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value < 1) return `${Math.round(value * 60)} min`;
  if (value < 48) return `${num(value)} h`;
  return `${num(value / 24)} d`;
}

/**
 * The backend's own message for a `ResponseError` (with its status), else the error's message.
 *
 * @internal
 */
export function reasonOf(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const { cause, statusCode } = error as ResponseError;
    if (cause?.message) return `${cause.message} (HTTP ${statusCode})`;
  }
  return error.message;
}
