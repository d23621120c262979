/*
 * Child process of bench/health/run.ts: a fake API server holding the bench
 * fleet, changing objects at a given rate on request ("churn").
 */
import {
  fixtureAs,
  FakeKubeApiServer,
  KubeObject,
  validatorNodeObject,
} from '@goldenpath/fake-kube-apiserver';

interface Options {
  entities: number;
  podsPerEntity: number;
  nodes: number;
}

function buildFleet({ entities, podsPerEntity, nodes }: Options): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < nodes; i++) {
    objects.push(
      i < 3
        ? fixtureAs('nodes/is-healthy__node-k3s-control-plane-etcd.yaml', {
            name: `cp-${i}`,
          })
        : fixtureAs('nodes/is-healthy__node-gke-ready.yaml', {
            name: `worker-${i}`,
          }),
    );
  }
  const template = fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
    name: 'x',
  });
  for (let e = 0; e < entities; e++) {
    const id = `validator-${String(e).padStart(4, '0')}`;
    const labels = { 'backstage.io/kubernetes-id': id, app: 'validator' };
    for (let p = 0; p < podsPerEntity; p++) {
      const pod = structuredClone(template);
      pod.metadata = {
        ...pod.metadata,
        name: `${id}-${p}`,
        namespace: `ns-${e % 20}`,
        labels,
      };
      (pod.spec as any).nodeName = `worker-${
        3 + ((e * podsPerEntity + p) % (nodes - 3))
      }`;
      objects.push(pod);
    }
    objects.push(
      validatorNodeObject({ name: id, namespace: `ns-${e % 20}`, labels }),
    );
  }
  return objects;
}

async function main() {
  const options: Options = JSON.parse(process.argv[2]);
  const server = await FakeKubeApiServer.start({
    objects: buildFleet(options),
    token: 'bench-token',
    historyLimit: 50_000,
  });
  const pods = server.store.findType('', 'v1', 'pods')!;
  const vns = server.store.findType(
    'validators.goldenpath.dev',
    'v1alpha1',
    'validatornodes',
  )!;
  const podList = server.store
    .list(pods)
    .map(p => [p.metadata.namespace!, p.metadata.name!]);
  const vnList = server.store
    .list(vns)
    .map(v => [v.metadata.namespace!, v.metadata.name!]);

  process.on('message', (msg: any) => {
    if (msg.type !== 'churn') return;
    const perTick = Math.max(1, Math.round((msg.ratePerSec * 50) / 1000));
    let updates = 0;
    const started = Date.now();
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        if (Math.random() < 0.7) {
          const [ns, name] =
            podList[Math.floor(Math.random() * podList.length)];
          const pod = structuredClone(server.store.get(pods, ns, name));
          const c = (pod.status as any).containerStatuses[0];
          c.restartCount += 1;
          c.lastState = {
            terminated: {
              reason: Math.random() < 0.5 ? 'OOMKilled' : 'Error',
              exitCode: 137,
            },
          };
          server.store.upsert(pod);
        } else {
          const [ns, name] = vnList[Math.floor(Math.random() * vnList.length)];
          const lag = Math.floor(Math.random() * 40);
          server.store.patch(
            vns,
            ns,
            name,
            'merge',
            {
              status: {
                blockLag: lag,
                peers: 1 + Math.floor(Math.random() * 30),
                lastProbeTime: new Date().toISOString(),
              },
            },
            'status',
          );
        }
        updates++;
      }
      if (Date.now() - started >= msg.durationMs) {
        clearInterval(timer);
        process.send!({
          type: 'churn-done',
          updates,
          seconds: (Date.now() - started) / 1000,
        });
      }
    }, 50);
  });
  process.send!({
    type: 'ready',
    url: server.url,
    counts: {
      pods: podList.length,
      validatorNodes: vnList.length,
      nodes: options.nodes,
    },
  });
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
