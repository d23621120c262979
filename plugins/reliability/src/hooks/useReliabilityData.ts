import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/**
 * State of one reliability request as the cards use it.
 *
 * `value` is the latest successful response; it stays set while a refresh is
 * loading and after a refresh failed (`error` then says why), so a card keeps
 * showing valid data next to the reason it could not be refreshed.
 *
 * @public
 */
export interface ReliabilityData<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  retry: () => void;
}

/**
 * Loads `load()` again whenever one of `deps` changes, keeping the last good
 * value across refreshes while `key` (what is loaded, e.g. the entity ref and
 * window) stays the same.
 *
 * @internal
 */
export function useReliabilityData<T>(
  load: () => Promise<T>,
  deps: unknown[],
  key: string,
): ReliabilityData<T> {
  const state = useAsyncRetry(load, deps);
  const last = useRef<{ key: string; value: T } | undefined>(undefined);
  if (state.value !== undefined) {
    last.current = { key, value: state.value };
  }
  const value = last.current?.key === key ? last.current.value : undefined;
  return { value, error: state.error, loading: state.loading, retry: state.retry };
}

/**
 * The current time in milliseconds, re-rendering every `intervalMs` (default 1 s);
 * drives "updated N s ago".
 *
 * @public
 */
export function useNow(intervalMs: number = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
