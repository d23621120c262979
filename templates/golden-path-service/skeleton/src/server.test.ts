import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer, Service } from './server';

describe('createServer', () => {
  let service: Service;
  let base: string;

  before(async () => {
    service = createServer({ serviceName: '${{ values.name }}' });
    await new Promise<void>(resolve => service.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  });

  after(() => {
    service.server.close();
    // fetch keeps connections alive; close them so the test process can exit.
    service.server.closeAllConnections();
  });

  it('should greet by name', async () => {
    const res = await fetch(`${base}/hello?name=Ada`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello, Ada', service: '${{ values.name }}' });
  });

  it('should reject names longer than 100 characters', async () => {
    const res = await fetch(`${base}/hello?name=${'x'.repeat(101)}`);
    assert.equal(res.status, 400);
  });

  it('should fail readiness but not liveness while shutting down', async () => {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    service.markShuttingDown();
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('should count requests by route and status code for the canary analysis', async () => {
    await fetch(`${base}/does-not-exist`);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_requests_total\{method="GET",route="\/hello",code="200"\} 1/);
    assert.match(text, /http_requests_total\{method="GET",route="other",code="404"\} 1/);
    assert.match(text, /http_request_duration_seconds_bucket\{method="GET",route="\/hello",le="\+Inf"\} 2/);
  });
});
