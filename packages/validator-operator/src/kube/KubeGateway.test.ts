import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeGateway } from './KubeGateway';

describe('KubeGateway', () => {
  let server: http.Server;
  let connections = 0;
  afterEach(() => new Promise(r => server.close(r)));

  async function start() {
    connections = 0;
    server = http.createServer((req, res) => {
      const name = req.url!.split('/').pop();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'validators' } }));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  }

  it('should keep one connection alive across typed API calls instead of one per call', async () => {
    const kube = KubeGateway.create(await start());
    for (let i = 0; i < 10; i++) {
      expect((await kube.getService('validators', `svc-${i}`))?.metadata?.name).toBe(`svc-${i}`);
    }
    // Without the reuse: 10. undici may open a second one while the first is being released.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('should share the reuse between gateways of one KubeConfig without wrapping it twice', async () => {
    const kc = await start();
    const a = KubeGateway.create(kc);
    const b = KubeGateway.create(kc);
    for (let i = 0; i < 3; i++) {
      await a.getService('validators', `a-${i}`);
      await b.getService('validators', `b-${i}`);
    }
    expect(connections).toBeLessThanOrEqual(2);
  });
});
