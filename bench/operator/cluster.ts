/*
 * Child process of bench/operator/run.ts: everything but the operator. The fake Kubernetes API
 * server, a fake Substrate JSON-RPC server whose chain produces a block every BLOCK_MS, the
 * simulated kubelet and a stand-in ClickHouse HTTP endpoint that accepts the operator's
 * telemetry inserts. Seeded with N ValidatorNodes (status Synced, last probes spread over one
 * interval) and the objects the operator owns, so the operator's first pass is a resync, as
 * after an operator restart.
 *
 * IPC out: { ready, apiUrl, chainUrl, clickhouseUrl }; { breach: name, kind, at } when a
 * victim's lag first exceeds maxBlockLag; { deleted: pod, at } per pod DELETE;
 * { stats, statusPatches, inserts, insertedRows } on request.
 * IPC in: { stall: names, spreadMs } — each victim's node stops importing blocks at a moment
 * spread over spreadMs (its lag then grows one block per BLOCK_MS); { jump: names, spreadMs } —
 * each victim's network head jumps 4,000 blocks ahead; { stats: true }; { stop: true }.
 * A victim whose pod was deleted (recovered) follows the chain again.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
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

const BLOCK_MS = Number(process.env.BENCH_BLOCK_MS ?? 6000);
const MAX_BLOCK_LAG = 10;

function iso(ms: number) {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

async function main() {
  const n = Number(process.argv[2]);
  const probeIntervalSeconds = Number(process.argv[3]);
  const chain = await FakeSubstrateNode.start();
  let head = 21_450_120;
  const names: string[] = [];
  const objects: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const name = `vn-${String(i).padStart(4, '0')}`;
    names.push(name);
    chain.set(`/validators/${name}`, { currentBlock: head, highestBlock: head, peers: 25, isSyncing: false });
    const vn = validatorNodeObject({
      name,
      namespace: 'validators',
      syncPolicy: { probeIntervalSeconds, maxBlockLag: MAX_BLOCK_LAG },
      // As after an operator restart: each node was last probed somewhere in the last interval.
      status: { lastProbeTime: iso(Date.now() - Math.random() * probeIntervalSeconds * 1000) },
    });
    vn.metadata.finalizers = [OPERATOR.finalizer];
    vn.metadata.uid = `uid-${name}`;
    objects.push(vn);
    const node = vn as unknown as ValidatorNode;
    objects.push(buildDataClaim(node) as KubeObject, buildHeadlessService(node) as KubeObject, buildStatefulSet(node) as KubeObject);
  }
  const { server } = await startFakeCluster(objects);
  const clock = { iso: () => iso(Date.now()) } as unknown as TestClock;
  const kubelet = new FakeKubelet(server, clock);
  kubelet.sync();

  // Victims: a stalled node keeps its block (lag grows); a jumped one sees a head 4,000 ahead.
  const victims = new Map<string, { kind: 'stall' | 'jump'; frozen: number; breached: boolean }>();
  const follow = (name: string) => {
    const v = victims.get(name);
    const path = `/validators/${name}`;
    if (!v) chain.set(path, { currentBlock: head, highestBlock: head });
    else if (v.kind === 'stall') chain.set(path, { currentBlock: v.frozen, highestBlock: head });
    else chain.set(path, { currentBlock: head, highestBlock: head + 4000 });
    if (v && !v.breached) {
      const lag = v.kind === 'stall' ? head - v.frozen : 4000;
      if (lag > MAX_BLOCK_LAG) {
        v.breached = true;
        process.send!({ breach: name, kind: v.kind, at: Date.now() });
      }
    }
  };
  const blocks = setInterval(() => {
    head += 1;
    for (const name of names) follow(name);
  }, BLOCK_MS);

  let statusPatches = 0;
  server.store.subscribe(e => {
    if (e.type === 'DELETED' && e.object.kind === 'Pod') {
      const at = Date.now();
      const pod = e.object.metadata.name ?? '';
      const name = pod.replace(/-0$/, '');
      process.send!({ deleted: pod, at });
      if (victims.get(name)?.breached) {
        victims.delete(name);
        follow(name);
      }
    }
    if (e.type === 'MODIFIED' && e.object.kind === 'ValidatorNode') statusPatches += 1;
  });

  // Accepts `INSERT … FORMAT JSONEachRow` as ClickHouse's HTTP interface does (200, summary header).
  let inserts = 0;
  let insertedRows = 0;
  const clickhouse = http.createServer((req, res) => {
    let rows = 0;
    req.on('data', (c: Buffer) => {
      for (const b of c) if (b === 10) rows += 1;
    });
    req.on('end', () => {
      inserts += 1;
      insertedRows += rows;
      res.writeHead(200, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-summary': JSON.stringify({ written_rows: String(rows) }),
      });
      res.end();
    });
  });
  await new Promise<void>(r => clickhouse.listen(0, '127.0.0.1', r));

  process.on('message', (m: any) => {
    for (const kind of ['stall', 'jump'] as const) {
      const list: string[] | undefined = m[kind];
      if (!list) continue;
      list.forEach((name, i) => {
        setTimeout(() => {
          victims.set(name, { kind, frozen: head, breached: false });
          follow(name);
        }, (i * m.spreadMs) / list.length);
      });
    }
    if (m.stats) process.send!({ stats: true, statusPatches, inserts, insertedRows });
    if (m.stop) {
      clearInterval(blocks);
      kubelet.stop();
      clickhouse.close();
      Promise.all([chain.close(), server.close()]).then(() => process.exit(0));
    }
  });
  process.send!({
    ready: true,
    apiUrl: server.url,
    chainUrl: chain.url,
    clickhouseUrl: `http://127.0.0.1:${(clickhouse.address() as AddressInfo).port}`,
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
