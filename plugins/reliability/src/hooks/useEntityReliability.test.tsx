import type { ReactNode } from 'react';
import { renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { reliabilityApiRef } from '../api';
import { useEntityDoraTrend, useEntityRisk } from './useEntityReliability';
import { doraResponse, riskResponse } from '../__testUtils__/responses';
import { mockReliabilityApi } from '../__testUtils__/testApps';
import type { ReliabilityApi } from '../api';

const alpha = { kind: 'component', namespace: 'default', name: 'validator-alpha' };
const beta = { kind: 'component', namespace: 'default', name: 'validator-beta' };

function wrapperFor(api: ReliabilityApi) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[reliabilityApiRef, api]]}>{children}</TestApiProvider>
  );
}

describe('useEntityReliability hooks', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should keep the last value while refreshing and after a failed refresh, but not across entities', async () => {
    let failNext = false;
    const api = mockReliabilityApi({
      getEntityRisk: jest.fn(async ref => {
        if (failNext) throw new Error('ClickHouse is unreachable');
        return { ...riskResponse, entityRef: `component:default/${ref.name}` };
      }),
    });
    const { result, rerender } = renderHook(({ entity }) => useEntityRisk(entity), {
      wrapper: wrapperFor(api),
      initialProps: { entity: alpha },
    });
    await waitFor(() => expect(result.current.value?.entityRef).toBe('component:default/validator-alpha'));

    failNext = true;
    result.current.retry();
    await waitFor(() => expect(result.current.error?.message).toBe('ClickHouse is unreachable'));
    expect(result.current.value?.entityRef).toBe('component:default/validator-alpha');

    rerender({ entity: beta });
    await waitFor(() => expect(result.current.loading || result.current.error).toBeTruthy());
    expect(result.current.value).toBeUndefined();
    failNext = false;
    result.current.retry();
    await waitFor(() => expect(result.current.value?.entityRef).toBe('component:default/validator-beta'));
  });

  it('should ask for the window before the current one and drop an answer for the wrong window', async () => {
    const honouring = mockReliabilityApi({
      getEntityDora: jest.fn(async (_ref, options) => doraResponse(options?.windowDays ?? 30, options?.to)),
    });
    const first = renderHook(() => useEntityDoraTrend(alpha, 7), { wrapper: wrapperFor(honouring) });
    await waitFor(() => expect(first.result.current.previous).toBeDefined());
    const current = first.result.current.value!;
    expect(first.result.current.previous!.window.to).toBe(current.window.from);
    expect(honouring.getEntityDora).toHaveBeenCalledWith(alpha, { windowDays: 7, to: current.window.from });
    expect(first.result.current.previousNote).toBeUndefined();

    const ignoring = mockReliabilityApi({ getEntityDora: jest.fn(async () => doraResponse(7)) });
    const second = renderHook(() => useEntityDoraTrend(alpha, 7), { wrapper: wrapperFor(ignoring) });
    await waitFor(() => expect(second.result.current.previousNote).toMatch(/^No trend/));
    expect(second.result.current.previous).toBeUndefined();
  });
});
