import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { newValidatorNode, startFakeCluster, waitFor } from './__testUtils__/harness';

jest.setTimeout(60_000);

describe('validator-operator CLI', () => {
  let server: FakeKubeApiServer;
  afterEach(() => server?.close());

  it('should start with --kubeconfig, take the Lease, reconcile, serve /metrics and stop on SIGTERM', async () => {
    ({ server } = await startFakeCluster([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'goldenpath' } },
      newValidatorNode('cli-node'),
    ]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vo-cli-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'fake', user: {} }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
        'current-context': 'fake',
      }),
    );
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      process.execPath,
      [
        path.resolve(__dirname, '../bin/validator-operator'),
        '--kubeconfig', kubeconfig,
        '--leader-election-namespace', 'goldenpath',
        '--health-probe-bind-address', `127.0.0.1:${port}`,
        '--webhook-port', '0',
        '--reaper-interval-seconds', '0',
      ],
      { env: { ...process.env, POD_NAME: 'op-cli' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    const exited = new Promise<number | null>(r => child.on('exit', code => r(code)));
    try {
      const vnType = server.store.findTypeByKind('validators.goldenpath.dev/v1alpha1', 'ValidatorNode')!;
      await waitFor(
        () => (server.store.get(vnType, 'validators', 'cli-node').metadata.finalizers ?? []).length > 0,
        40_000,
      );
      const lease = server.store.get(server.store.findTypeByKind('coordination.k8s.io/v1', 'Lease')!, 'goldenpath', 'validator-operator');
      expect((lease.spec as any).holderIdentity).toBe('op-cli');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('validator_operator_leader 1');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } catch (e) {
      throw new Error(`${e}\n--- operator output ---\n${output}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should refuse a --probe-url-template with an unknown placeholder, naming the flag', async () => {
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../bin/validator-operator'), '--probe-url-template', 'http://rpc.internal/{node}'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    const code = await new Promise<number | null>(r => child.on('exit', c => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('--probe-url-template must be an http(s) URL using only {namespace}, {name}, {podIP}, {port}, got http://rpc.internal/{node}');
  });

  it('should fail with a clear message for a missing kubeconfig', async () => {
    const child = spawn(process.execPath, [path.resolve(__dirname, '../bin/validator-operator'), '--kubeconfig', '/nonexistent/kubeconfig'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    const code = await new Promise<number | null>(r => child.on('exit', c => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('--kubeconfig /nonexistent/kubeconfig does not exist');
  });
});
