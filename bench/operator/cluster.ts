/*
 * Child process of bench/operator/run.ts: the fake Kubernetes API server, the fake Substrate
 * JSON-RPC server and the simulated kubelet, seeded with N ValidatorNodes and the objects the
 * operator would own (so its first pass is a resync, as after an operator restart). Kept out of
 * the operator's process so the operator's RSS is measured alone.
 *
 * IPC: sends { ready, apiUrl, chainUrl }; on { breach: names } raises those nodes' lag and
 * reports { probed: name, at } for the first probe after it and { deleted: pod, at } per pod DELETE.
 */
import { validatorNodeObject, KubeObject } from '@goldenpath/fake-kube-apiserver';
import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import {
  buildDataClaim,
  buildHeadlessService,
  buildStatefulSet,
  OPERATOR,
} from '../../packages/validator-operator/src';
import { FakeSubstrateNode } from '../../packages/validator-operator/src/__testUtils__/FakeSubstrateNode';
import { FakeKubelet, startFakeCluster, TestClock } from '../../packages/validator-operator/src/__testUtils__/harness';

async function main() {
  const n = Number(process.argv[2]);
  const probeIntervalSeconds = Number(process.argv[3]);
  const chain = await FakeSubstrateNode.start();
  const objects: KubeObject[] = [];
  const now = `${new Date(Date.now() - 3600_000).toISOString().slice(0, 19)}Z`;
  for (let i = 0; i < n; i++) {
    const name = `vn-${String(i).padStart(4, '0')}`;
    chain.set(`/validators/${name}`, { currentBlock: 1000, highestBlock: 1002, peers: 25, isSyncing: false });
    const vn = validatorNodeObject({ name, namespace: 'validators', syncPolicy: { probeIntervalSeconds } });
    vn.metadata.finalizers = [OPERATOR.finalizer];
    vn.metadata.uid = `uid-${name}`;
    objects.push(vn);
    const node = vn as unknown as ValidatorNode;
    objects.push(buildDataClaim(node) as KubeObject, buildHeadlessService(node) as KubeObject, buildStatefulSet(node) as KubeObject);
  }
  const { server } = await startFakeCluster(objects);
  const clock = { iso: () => now } as unknown as TestClock;
  const kubelet = new FakeKubelet(server, clock);
  kubelet.sync();
  const watched = new Set<string>();
  const probed = new Set<string>();
  chain.onCall = (path, method) => {
    const name = path.split('/')[2];
    if (method === 'system_syncState' && watched.has(name) && !probed.has(name)) {
      probed.add(name);
      process.send!({ probed: name, at: Date.now() });
    }
  };
  server.store.subscribe(e => {
    if (e.type === 'DELETED' && e.object.kind === 'Pod') {
      process.send!({ deleted: e.object.metadata.name, at: Date.now() });
    }
  });
  process.on('message', (m: any) => {
    if (m.breach) {
      for (const name of m.breach as string[]) {
        watched.add(name);
        chain.set(`/validators/${name}`, { highestBlock: 5000 });
      }
    }
    if (m.stop) {
      kubelet.stop();
      Promise.all([chain.close(), server.close()]).then(() => process.exit(0));
    }
  });
  process.send!({ ready: true, apiUrl: server.url, chainUrl: chain.url, rss: process.memoryUsage().rss });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
