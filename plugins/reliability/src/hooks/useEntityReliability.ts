import { useEffect, useRef } from 'react';
import { CompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  CostResponse,
  DoraResponse,
  DoraWindowDays,
  DriftResponse,
  EntityHealthResponse,
  EntityRiskResponse,
  HealthSignal,
  healthSignalChannel,
} from '@goldenpath/plugin-reliability-common';
import { reliabilityApiRef } from '../api';
import { ReliabilityData, useReliabilityData } from './useReliabilityData';

/**
 * How often the health card refetches when the app has no Signals API
 * (`@backstage/plugin-signals` not installed), in milliseconds.
 *
 * @public
 */
export const HEALTH_POLL_INTERVAL_MS = 30_000;

function refKey(entityRef: CompoundEntityRef): string {
  return stringifyEntityRef(entityRef);
}

/**
 * Live node health of an entity. Refetches when the backend publishes a
 * `health-changed` message on the Signals channel `reliability:health:<entity ref>`,
 * or every {@link HEALTH_POLL_INTERVAL_MS} when Signals are not available.
 *
 * @returns the request state and `live`: true when updates arrive through Signals
 * @public
 */
export function useEntityHealth(
  entityRef: CompoundEntityRef,
): ReliabilityData<EntityHealthResponse> & { live: boolean } {
  const api = useApi(reliabilityApiRef);
  const key = refKey(entityRef);
  const data = useReliabilityData(() => api.getEntityHealth(entityRef), [api, key], key);
  const { lastSignal, isSignalsAvailable } = useSignal<HealthSignal>(
    healthSignalChannel(key),
  );
  const retry = useRef(data.retry);
  retry.current = data.retry;
  useEffect(() => {
    if (lastSignal?.type === 'health-changed') {
      retry.current();
    }
  }, [lastSignal]);
  useEffect(() => {
    if (isSignalsAvailable) {
      return undefined;
    }
    const timer = setInterval(() => retry.current(), HEALTH_POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [isSignalsAvailable]);
  return { ...data, live: isSignalsAvailable };
}

/**
 * Composite risk per node of an entity, with the detectors' reasons and a 24-hour trend.
 * @public
 */
export function useEntityRisk(
  entityRef: CompoundEntityRef,
): ReliabilityData<EntityRiskResponse> {
  const api = useApi(reliabilityApiRef);
  const key = refKey(entityRef);
  return useReliabilityData(() => api.getEntityRisk(entityRef), [api, key], key);
}

/**
 * Infrastructure, GitOps and data drift of an entity.
 * @public
 */
export function useEntityDrift(
  entityRef: CompoundEntityRef,
): ReliabilityData<DriftResponse> {
  const api = useApi(reliabilityApiRef);
  const key = refKey(entityRef);
  return useReliabilityData(() => api.getEntityDrift(entityRef), [api, key], key);
}

/**
 * Cost deltas, monthly totals and top changed resources of an entity.
 * @public
 */
export function useEntityCost(
  entityRef: CompoundEntityRef,
): ReliabilityData<CostResponse> {
  const api = useApi(reliabilityApiRef);
  const key = refKey(entityRef);
  return useReliabilityData(() => api.getEntityCost(entityRef), [api, key], key);
}

/**
 * DORA metrics of an entity over `windowDays` days (default 30).
 * @public
 */
export function useEntityDora(
  entityRef: CompoundEntityRef,
  windowDays: DoraWindowDays = 30,
): ReliabilityData<DoraResponse> {
  const api = useApi(reliabilityApiRef);
  const key = refKey(entityRef);
  return useReliabilityData(
    () => api.getEntityDora(entityRef, { windowDays }),
    [api, key, windowDays],
    `${key}?window=${windowDays}`,
  );
}

/**
 * DORA metrics of the current window and of the window just before it, for trends.
 *
 * `previous` is undefined while loading, when its request failed (`previousError`), or when the
 * backend answered a different window than asked (it does not support `to` yet): `previousNote`
 * then says why no trend is shown.
 *
 * @public
 */
export function useEntityDoraTrend(
  entityRef: CompoundEntityRef,
  windowDays: DoraWindowDays = 30,
): ReliabilityData<DoraResponse> & {
  previous?: DoraResponse;
  previousNote?: string;
} {
  const api = useApi(reliabilityApiRef);
  const current = useEntityDora(entityRef, windowDays);
  const to = current.value?.window.from;
  const key = refKey(entityRef);
  const previous = useReliabilityData(
    async () => (to ? api.getEntityDora(entityRef, { windowDays, to }) : undefined),
    [api, key, windowDays, to],
    `${key}?window=${windowDays}&to=${to}`,
  );
  let previousNote: string | undefined;
  let previousValue = previous.value;
  if (previous.error) {
    previousNote = `Previous window unavailable: ${previous.error.message}`;
  } else if (previousValue && to && Math.abs(Date.parse(previousValue.window.to) - Date.parse(to)) > 60_000) {
    previousValue = undefined;
    previousNote = 'No trend: the backend does not yet answer earlier windows (dora route `to` parameter)';
  }
  return { ...current, previous: previousValue, previousNote };
}
