import https from 'node:https';
import selfsigned from 'selfsigned';
import { validatorNodeObject } from '@goldenpath/fake-kube-apiserver';
import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import { WEBHOOK_PATH, WebhookServer } from './WebhookServer';

const pems = selfsigned.generate([{ name: 'commonName', value: 'validator-operator-webhook.goldenpath.svc' }], {
  days: 1,
  keySize: 2048,
  extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
});

function vn(name: string, spec: Record<string, unknown> = {}, namespace = 'validators'): ValidatorNode {
  const { status: _s, ...obj } = validatorNodeObject({ name, namespace, spec }) as any;
  return obj;
}

function post(port: number, body: unknown, path = WEBHOOK_PATH): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const req = https.request(
      { host: '127.0.0.1', port, path, method: 'POST', ca: pems.cert, headers: { 'content-type': 'application/json' } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const review = (operation: string, object: ValidatorNode, oldObject?: ValidatorNode) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'req-1', operation, object, ...(oldObject ? { oldObject } : {}) },
});

describe('WebhookServer', () => {
  let server: WebhookServer;
  let existing: ValidatorNode[];
  beforeEach(async () => {
    existing = [vn('dot-1', { chain: { type: 'substrate', network: 'polkadot', rpcPort: 9944 } })];
    server = await WebhookServer.start({
      cert: pems.cert,
      key: pems.private,
      port: 0,
      host: '127.0.0.1',
      listExisting: async () => existing,
    });
  });
  afterEach(() => server.close());

  it('should allow a valid validator over TLS and echo the request uid', async () => {
    const res = await post(server.port, review('CREATE', vn('wnd-1')));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'req-1', allowed: true } });
  });

  it('should reject key Secret mistakes, a second mainnet validator and too little storage', async () => {
    const noKey = vn('v', { hotKeySecretRef: undefined });
    delete (noKey.spec as any).hotKeySecretRef;
    const cases: Array<[ValidatorNode, string]> = [
      [noKey, 'spec.hotKeySecretRef: a validator needs a key Secret'],
      [vn('f', { role: 'full' }), 'spec.hotKeySecretRef: a full node must not have a key Secret'],
      [vn('dot-2', { chain: { type: 'substrate', network: 'polkadot' } }), 'spec.chain.network: mainnet polkadot already has validator validators/dot-1'],
      [vn('small', { storage: { size: '50Gi' } }), 'spec.storage.size: 50Gi is below the 200Gi minimum for a validator'],
      [vn('arch', { role: 'archive', hotKeySecretRef: undefined, storage: { size: '1Ti' } }), 'spec.storage.size: 1Ti is below the 2Ti minimum for a archive'],
    ];
    for (const [obj, message] of cases) {
      const res = await post(server.port, review('CREATE', obj));
      expect(res.status).toBe(200);
      expect(res.body.response).toMatchObject({ uid: 'req-1', allowed: false, status: { code: 403 } });
      expect(res.body.response.status.message).toContain(message);
    }
    // The existing mainnet validator itself may be updated.
    const same = await post(server.port, review('UPDATE', existing[0], existing[0]));
    expect(same.body.response.allowed).toBe(true);
  });

  it('should keep network fields immutable and let storage only grow', async () => {
    const old = vn('wnd-1', { storage: { size: '500Gi' } });
    const moved = vn('wnd-1', { chain: { type: 'substrate', network: 'rococo' }, storage: { size: '500Gi' } });
    const shrunk = vn('wnd-1', { storage: { size: '300Gi' } });
    const grown = vn('wnd-1', { storage: { size: '1Ti' } });
    expect((await post(server.port, review('UPDATE', moved, old))).body.response.status.message).toBe(
      'spec.chain.network is immutable (was westend)',
    );
    expect((await post(server.port, review('UPDATE', shrunk, old))).body.response.status.message).toBe(
      'spec.storage.size may only grow (was 500Gi, now 300Gi)',
    );
    expect((await post(server.port, review('UPDATE', grown, old))).body.response.allowed).toBe(true);
  });

  it('should answer 400 to malformed reviews and 404 to other paths', async () => {
    expect((await post(server.port, 'not json')).status).toBe(400);
    const wrong = await post(server.port, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('not an admission.k8s.io/v1 AdmissionReview');
    expect((await post(server.port, review('CREATE', vn('x')), '/mutate')).status).toBe(404);
  });
});
