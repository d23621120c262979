import http from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpRiskReader } from './RiskReader';

const nodeRisk = (node: string, score: number, band: string, stale = false) => ({
  cluster: 'prod',
  namespace: 'validators',
  node,
  component: node,
  lastSeen: '2026-11-21T12:00:00.000Z',
  stale,
  detectors: [
    { detector: 'consensus', score: score / 100, metric: 'block_lag', value: 40, baseline: 2, unit: 'blocks', reason: 'lag far above baseline' },
  ],
  composite: { score, band, contributions: [{ detector: 'consensus', weight: 1, score: score / 100, contribution: score }] },
});

describe('HttpRiskReader', () => {
  let server: http.Server;
  let url: string;
  const requests: Array<{ url?: string; auth?: string }> = [];
  let body: unknown;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ url: req.url, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/reliability`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  it('should read the composite risk of a node from the fleet route with one cached call, ignoring stale scores', async () => {
    body = {
      generatedAt: '2026-11-21T12:00:00.000Z',
      limit: 1000,
      bands: [{ name: 'ok', min: 0, max: 40 }, { name: 'warning', min: 40, max: 70 }, { name: 'critical', min: 70, max: 100 }],
      nodes: [nodeRisk('alpha', 82.5, 'critical'), nodeRisk('beta', 12, 'ok'), nodeRisk('gamma', 95, 'critical', true)],
      errors: [],
    };
    const reader = HttpRiskReader.create({ baseUrl: url, token: 'static-token' });
    expect(await reader.read('validators', 'alpha')).toEqual({ score: 82.5, band: 'critical' });
    expect(await reader.read('validators', 'beta')).toEqual({ score: 12, band: 'ok' });
    expect(await reader.read('validators', 'gamma')).toBeUndefined();
    expect(await reader.read('other', 'alpha')).toBeUndefined();
    expect(requests).toEqual([{ url: '/api/reliability/risk?limit=1000', auth: 'Bearer static-token' }]);
  });

  it('should report a malformed answer and read no risk', async () => {
    body = { nodes: 'nope' };
    const errors: unknown[] = [];
    const reader = HttpRiskReader.create({ baseUrl: url, onError: e => errors.push(e) });
    expect(await reader.read('validators', 'alpha')).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
