import { ResponseError } from '@backstage/errors';
import { ReliabilityClient, ReliabilityResponseError } from './ReliabilityClient';
import {
  costResponse,
  doraResponse,
  driftResponse,
  healthResponse,
  riskResponse,
} from '../__testUtils__/responses';

const ref = { kind: 'Component', namespace: 'default', name: 'validator-alpha' };

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText: status === 200 ? 'OK' : 'Error',
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('ReliabilityClient', () => {
  const discoveryApi = { getBaseUrl: jest.fn() };
  const fetchApi = { fetch: jest.fn() };
  const client = new ReliabilityClient({ discoveryApi, fetchApi });

  beforeEach(() => {
    jest.resetAllMocks();
    discoveryApi.getBaseUrl.mockResolvedValue('http://backend/api/reliability');
  });

  it('should call each entity route with the lower-cased kind and return the validated body', async () => {
    const cases = [
      ['health', () => client.getEntityHealth(ref), healthResponse],
      ['risk', () => client.getEntityRisk(ref), riskResponse],
      ['drift', () => client.getEntityDrift(ref), driftResponse],
      ['cost', () => client.getEntityCost(ref), costResponse],
    ] as const;
    for (const [area, call, body] of cases) {
      fetchApi.fetch.mockResolvedValueOnce(jsonResponse(body));
      await expect(call()).resolves.toEqual(body);
      expect(fetchApi.fetch).toHaveBeenLastCalledWith(
        `http://backend/api/reliability/entities/component/default/validator-alpha/${area}`,
        expect.objectContaining({ headers: { Accept: 'application/json' } }),
      );
    }
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('reliability');
  });

  it('should pass the DORA window and end, and the fleet limit, as query parameters', async () => {
    fetchApi.fetch.mockResolvedValueOnce(jsonResponse(doraResponse(90)));
    const dora = await client.getEntityDora(ref, { windowDays: 90, to: '2026-10-22T12:00:00.000Z' });
    expect(dora.window.days).toBe(90);
    expect(fetchApi.fetch.mock.calls[0][0]).toBe(
      'http://backend/api/reliability/entities/component/default/validator-alpha/dora?window=90&to=2026-10-22T12%3A00%3A00.000Z',
    );
    fetchApi.fetch.mockResolvedValueOnce(
      jsonResponse({ generatedAt: '2026-11-21T12:00:00Z', limit: 5, bands: riskResponse.bands, nodes: riskResponse.nodes, errors: [] }),
    );
    const fleet = await client.getFleetRisk({ limit: 5 });
    expect(fleet.nodes).toHaveLength(2);
    expect(fetchApi.fetch.mock.calls[1][0]).toBe('http://backend/api/reliability/risk?limit=5');
  });

  it('should escape entity names in the path', async () => {
    fetchApi.fetch.mockResolvedValueOnce(jsonResponse(costResponse));
    await client.getEntityCost({ kind: 'component', namespace: 'a b', name: 'x/y' });
    expect(fetchApi.fetch.mock.calls[0][0]).toBe(
      'http://backend/api/reliability/entities/component/a%20b/x%2Fy/cost',
    );
  });

  it('should turn a non-2xx answer into a ResponseError carrying the backend message', async () => {
    fetchApi.fetch.mockResolvedValueOnce(
      jsonResponse(
        { error: { name: 'ServiceUnavailableError', message: 'ClickHouse is unreachable' }, response: { statusCode: 503 } },
        503,
      ),
    );
    const error = await client.getEntityRisk(ref).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(error.message).toBe('Request failed with 503 Error');
    expect(error.cause.message).toBe('ClickHouse is unreachable');
  });

  it('should reject a body that does not match the shared schema, naming the route and field', async () => {
    const { generatedAt: _omitted, ...withoutGeneratedAt } = riskResponse;
    fetchApi.fetch.mockResolvedValueOnce(jsonResponse(withoutGeneratedAt));
    const error = await client.getEntityRisk(ref).catch(e => e);
    expect(error).toBeInstanceOf(ReliabilityResponseError);
    expect(error.message).toMatch(
      /^Unexpected response from GET \/entities\/component\/default\/validator-alpha\/risk: generatedAt:/,
    );
  });
});
