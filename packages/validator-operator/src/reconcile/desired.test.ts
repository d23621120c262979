import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import { buildHeadlessService, buildStatefulSet, configHash } from './desired';

const node = (over: Partial<ValidatorNode['spec']> = {}, annotations?: Record<string, string>): ValidatorNode => ({
  apiVersion: 'validators.goldenpath.dev/v1alpha1',
  kind: 'ValidatorNode',
  metadata: { name: 'alpha', namespace: 'validators', uid: 'u-1', generation: 1, annotations, labels: { 'backstage.io/kubernetes-id': 'validator-alpha' } },
  spec: {
    chain: { type: 'substrate', network: 'westend', rpcPort: 9944 },
    role: 'validator',
    image: `docker.io/parity/polkadot@sha256:${'a'.repeat(64)}`,
    hotKeySecretRef: { name: 'alpha-keys', key: 'keystore' },
    storage: { size: '500Gi' },
    ...over,
  },
});

describe('buildStatefulSet', () => {
  it('should put the keystore on a 1Mi memory emptyDir filled by an init container from the Secret (0400), harden the main container and use OnDelete', () => {
    const sts = buildStatefulSet(node()) as any;
    const pod = sts.spec.template.spec;
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.metadata.ownerReferences[0]).toMatchObject({ kind: 'ValidatorNode', name: 'alpha', uid: 'u-1', controller: true });
    expect(pod.volumes).toContainEqual({ name: 'keystore', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    const secretVol = pod.volumes.find((v: any) => v.secret);
    expect(secretVol.secret).toMatchObject({ secretName: 'alpha-keys', defaultMode: 0o400 });
    const [init] = pod.initContainers;
    expect(init.volumeMounts.map((m: any) => m.name).sort()).toEqual(['hot-key', 'keystore']);
    const [main] = pod.containers;
    expect(main.volumeMounts.map((m: any) => m.name)).not.toContain('hot-key');
    expect(main.volumeMounts).toContainEqual({ name: 'keystore', mountPath: '/keystore', readOnly: true });
    expect(main.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(main.args).toEqual(expect.arrayContaining(['--chain=westend', '--validator', '--keystore-path=/keystore', '--rpc-port=9944']));
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'alpha-data' } });
    expect(sts.spec.template.metadata.labels['backstage.io/kubernetes-id']).toBe('validator-alpha');
  });

  it('should give a full node no key material and rolling updates', () => {
    const sts = buildStatefulSet(node({ role: 'full', hotKeySecretRef: undefined })) as any;
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.template.spec.initContainers).toEqual([]);
    expect(JSON.stringify(sts)).not.toContain('keystore');
  });

  it('should change the config hash on pod-shaping spec changes only', () => {
    const base = configHash(node());
    expect(configHash(node())).toBe(base);
    expect(configHash(node({ image: `docker.io/parity/polkadot@sha256:${'b'.repeat(64)}` }))).not.toBe(base);
    expect(configHash(node({}, { 'validators.goldenpath.dev/data-claim': 'alpha-data-r1' }))).not.toBe(base);
    expect(configHash(node({ syncPolicy: { maxBlockLag: 50 } }))).toBe(base);
    expect(buildStatefulSet(node()).metadata.annotations).toEqual(buildStatefulSet(node()).metadata.annotations);
  });
});

describe('buildHeadlessService', () => {
  it('should be headless with the RPC and p2p ports', () => {
    const svc = buildHeadlessService(node()) as any;
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['rpc', 9944], ['p2p', 30333]]);
  });
});
