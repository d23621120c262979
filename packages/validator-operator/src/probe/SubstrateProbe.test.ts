import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FakeSubstrateNode } from '../__testUtils__/FakeSubstrateNode';
import { SubstrateProbe } from './SubstrateProbe';

describe('SubstrateProbe', () => {
  let node: FakeSubstrateNode;
  beforeEach(async () => {
    node = await FakeSubstrateNode.start();
  });
  afterEach(() => node.close());

  it('should read peers, isSyncing, currentBlock and highestBlock from the recorded response shapes', async () => {
    node.set('/', {});
    const r = await SubstrateProbe.create().probe(node.url);
    expect(r).toMatchObject({ ok: true, currentBlock: 2614956, highestBlock: 2614956, peers: 46, isSyncing: false });
    expect(node.calls.get('system_health')).toBe(1);
    expect(node.calls.get('system_syncState')).toBe(1);
  });

  it('should treat a missing highestBlock (2020 nodes) as currentBlock', async () => {
    node.set('/', { legacy: true, currentBlock: 50 });
    expect(await SubstrateProbe.create().probe(node.url)).toMatchObject({ ok: true, currentBlock: 50, highestBlock: 50 });
  });

  it('should report JSON-RPC errors, HTTP errors, timeouts and refused connections without throwing', async () => {
    node.set('/', { rpcError: { code: -32601, message: 'RPC call is unsafe to be called externally' } });
    const rpc = await SubstrateProbe.create().probe(node.url);
    expect(rpc).toMatchObject({ ok: false, error: 'system_health: JSON-RPC error -32601 RPC call is unsafe to be called externally' });
    node.set('/', { rpcError: undefined, down: true });
    expect(await SubstrateProbe.create().probe(node.url)).toMatchObject({ ok: false, error: 'system_health: HTTP 503' });
    const refused = await SubstrateProbe.create({ timeoutMs: 500 }).probe('http://127.0.0.1:1');
    expect(refused.ok).toBe(false);

    const silent = http.createServer(() => {});
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
    const probe = SubstrateProbe.create({ timeoutMs: 200 });
    const timedOut = await probe.probe(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    expect(timedOut).toMatchObject({ ok: false, error: 'system_health: timed out after 200 ms' });
    expect(timedOut.latencyMs).toBeGreaterThanOrEqual(190);
    probe.close();
    silent.closeAllConnections();
    await new Promise(r => silent.close(r));
  });

  it('should keep one connection per concurrent call alive across probes', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        const { id, method } = JSON.parse(body);
        const result = method === 'system_health' ? { peers: 3, isSyncing: false } : { currentBlock: 7, highestBlock: 8 };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result }));
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const probe = SubstrateProbe.create();
    for (let i = 0; i < 5; i++) {
      expect(await probe.probe(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)).toMatchObject({ ok: true, highestBlock: 8 });
    }
    expect(connections).toBe(2);
    probe.close();
    await new Promise(r => server.close(r));
  });
});
