// NMI watches only the pods of its own node (field selector spec.nodeName): pods of other nodes never
// reach its index, its answers or its log. Real apiserver (envtest), NMI in-process, the emulator's IMDS.
import { CoreV1Api, type V1Container } from '@kubernetes/client-node';
import { createPod, setPodStatus } from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, nextPodIp, World } from './support/world';

const world = new World();
const ns = `nmi-scope-${world.id}`;
const otherNode = `other-${world.node}`;
let nmi: RunningNmi;

beforeAll(async () => {
  await world.open([ns]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: ['--pod-lookup-wait=2s', '--assignment-wait=2s'],
  });
  await waitReady(nmi);
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
});

/** A running pod whose container adds NET_RAW (or runs privileged), on the given node. */
async function spoofCapablePod(name: string, node: string, container: Partial<V1Container>): Promise<void> {
  const core = world.admin.makeApiClient(CoreV1Api);
  const pod = await core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name },
      spec: { nodeName: node, containers: [{ name: 'app', image: 'example.invalid/app:1', ...container }] },
    },
  });
  await setPodStatus(world.admin, ns, name, nextPodIp(), 'Running', pod);
}

it('serves its own pod although a pod of another node has the same IP (not an ambiguity)', async () => {
  const { identity, binding, uami } = await world.uami(ns, 'local-id', 'local');
  const ip = await world.pod(ns, 'local', { aadpodidbinding: 'local' });
  await world.assign({ namespace: ns, name: 'local' }, identity, binding);
  // Same IP, same label, on another node: a cluster-wide watch would see two live pods with one IP
  // and refuse to guess (503).
  await createPod(world.admin, {
    namespace: ns,
    name: 'remote',
    node: otherNode,
    ip,
    labels: { aadpodidbinding: 'local' },
  });
  await eventually(
    'token served',
    async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 200,
  );
  // Give the watch time to deliver the remote pod, had it been watched.
  await new Promise((r) => setTimeout(r, 1000));
  const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).client_id).toBe(uami.clientId);
});

it('does not know a bound pod of another node calling from its IP', async () => {
  const { identity, binding } = await world.uami(ns, 'remote-id', 'remote-only');
  const ip = nextPodIp();
  await createPod(world.admin, {
    namespace: ns,
    name: 'remote-bound',
    node: otherNode,
    ip,
    labels: { aadpodidbinding: 'remote-only' },
  });
  await world.assign({ namespace: ns, name: 'remote-bound' }, identity, binding);
  const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
  expect(answer.status).not.toBe(200);
  expect(answer.body).toMatch(/pod/i);
});

it('warns once per pod of its node that adds NET_RAW or runs privileged, and never about other nodes', async () => {
  await spoofCapablePod('raw-local', world.node, { securityContext: { capabilities: { add: ['NET_RAW'] } } });
  await spoofCapablePod('priv-local', world.node, { securityContext: { privileged: true } });
  await spoofCapablePod('raw-remote', otherNode, {
    securityContext: { capabilities: { add: ['CAP_NET_RAW'] } },
  });
  await spoofCapablePod('plain-local', world.node, {});
  const warnings = (): string[] => nmi.logs.filter((l) => l.includes('NET_RAW or runs privileged'));
  await eventually('warnings logged', async () => warnings().length >= 2);
  // A status update re-delivers the pod: still one warning per pod.
  await setPodStatus(world.admin, ns, 'raw-local', nextPodIp(), 'Running');
  await new Promise((r) => setTimeout(r, 1000));
  const pods = warnings()
    .map((l) => (JSON.parse(l) as { pod: string }).pod)
    .sort();
  expect(pods).toEqual([`${ns}/priv-local`, `${ns}/raw-local`]);
});
