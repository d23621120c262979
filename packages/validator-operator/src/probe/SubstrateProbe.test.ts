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
  });
});
