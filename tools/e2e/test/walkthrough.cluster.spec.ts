// The walkthrough on a real cluster, word for word: `make up` (kubelets, containerd, runc, CNI, kube-proxy,
// the controllers, the MIC and NMI images deployed by `make deploy OVERLAY=local`), the user's YAML as
// written (PascalCase identity of type 0, binding with AzureIdentity/Selector, a labelled Deployment),
// `kubectl exec … curl` for a token, `kubectl get AzureAssignedIdentity`, and the faults a rollout brings:
// NMI restarting while a pod polls, the MIC leader deleted, and `make undeploy` leaving no rule behind.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/artifacts';
import { ControlClient } from '@pod-identity/azure-emulator';
import { decodeClaims } from '../src/claims';
import {
  curlToken,
  expectTokenForDemoIdentity,
  type Finished,
  jsonOf,
  measured,
  podsOf,
  sh,
  SYSTEM,
  TOKEN_URL,
  vmssIdentities,
  waitFor,
} from './cluster-support';
import { loopbackFor } from '../src/forwarder';
import { run } from '../src/real-cluster/host';
import { KUBECONFIG_PATH, pathWithKubectl, readState } from '../src/real-cluster/layout';
import { clusterNodes, inNode } from '../src/real-cluster/topology';
import { kubectl, NODE_COUNT } from '../src/real-cluster/up';
import { APP_IDENTITY } from '../src/world';
import {
  FEDERATED_IDENTITY,
  FEDERATION_TARGETS,
  micFederationPatch,
  nmiFederationPatch,
  trustClusterIssuer,
} from '../src/real-cluster/federation';

describe('the walkthrough on a real local cluster', () => {
  let up: Finished;

  beforeAll(async () => {
    up = await sh(['make', '--no-print-directory', 'up'], 900_000);
    if (up.code !== 0) throw new Error(`make up failed (exit ${up.code}):\n${up.output.slice(-4000)}`);
  }, 960_000);

  afterAll(async () => {
    await kubectl(['delete', 'pod', 'nolabel', '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('make up brings two Ready nodes registered as the VM scale set instances, and prints how to use them', async () => {
    expect(up.output).toContain(`export KUBECONFIG=${KUBECONFIG_PATH}`);
    expect(up.output).toContain('kubectl apply -f deploy/examples/walkthrough.yaml');
    const nodes = await jsonOf<{
      items: {
        metadata: { name: string };
        spec: { providerID?: string };
        status: { conditions: { type: string; status: string }[] };
      }[];
    }>(['get', 'nodes']);
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(
      clusterNodes(NODE_COUNT).map((n) => n.name),
    );
    for (const node of nodes.items) {
      expect(node.spec.providerID).toBe(
        clusterNodes(NODE_COUNT).find((n) => n.name === node.metadata.name)?.providerId,
      );
      expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    measured('make up (first)', up.seconds);
  });

  it('MIC runs two Ready replicas from its image, and NMI one Ready pod per node on the host network', async () => {
    const mic = await podsOf('app.kubernetes.io/component=mic', 'pod-identity-system');
    const nmi = await podsOf('app.kubernetes.io/component=nmi', 'pod-identity-system');
    expect(mic).toHaveLength(2);
    expect(nmi).toHaveLength(NODE_COUNT);
    expect(new Set(nmi.map((p) => p.spec.nodeName)).size).toBe(NODE_COUNT);
    for (const pod of nmi) expect(clusterNodes(NODE_COUNT).map((n) => n.ip)).toContain(pod.status.podIP);
    const logs = await kubectl([...SYSTEM, 'logs', `pod/${nmi[0].metadata.name}`], 30_000);
    expect(logs).toContain('nmi started');
    // Metrics, as Prometheus scrapes them: NMI on its node's address, MIC on its pod address.
    const node = clusterNodes(NODE_COUNT)[0];
    const nmiMetrics = await run(
      inNode(node, ['curl', '-sf', '--max-time', '5', `http://${node.ip}:9090/metrics`]),
    );
    expect(nmiMetrics).toMatch(/^nmi_/m);
    const micMetrics = await run(
      inNode(node, ['curl', '-sf', '--max-time', '5', `http://${mic[0].status.podIP}:8888/metrics`]),
    );
    expect(micMetrics).toMatch(/^mic_/m);
  });

  it('a second make up is a no-op', async () => {
    const again = await sh(['make', '--no-print-directory', 'up'], 300_000);
    expect(again.code).toBe(0);
    expect(again.output).toContain('already up; nothing to do');
    measured('make up (again, no-op)', again.seconds);
  }, 330_000);

  it('the walkthrough, as make up printed it: apply the YAML as written, exec into the labelled pod, curl IMDS, get a token for the identity', async () => {
    // The indented lines of make up's output, run one by one in bash with the exports before them, the way
    // a user pastes them; the curl is retried while MIC assigns the identity (NMI answers 503 until then).
    const printed = up.output
      .split('\n')
      .filter((l) => /^ {2}(export|kubectl) /.test(l))
      .map((l) => l.trim().replace(/\s+# .*$/, ''));
    const exports = printed.filter((l) => l.startsWith('export '));
    expect(exports).toHaveLength(2);
    let token: Record<string, unknown> | undefined;
    for (const command of printed.filter((l) => l.startsWith('kubectl '))) {
      const script = [...exports, command].join('\n');
      if (command.includes('curl')) {
        const out = await waitFor(
          'a token through the printed curl',
          async () => {
            const text = await run(['bash', '-c', script], { timeoutMs: 60_000 });
            return text.includes('access_token') ? text : undefined;
          },
          120_000,
        );
        token = JSON.parse(out) as Record<string, unknown>;
      } else {
        await run(['bash', '-c', script], { timeoutMs: 150_000 });
      }
    }
    expect(token).toBeDefined();
    expectTokenForDemoIdentity(token ?? {});
    expect(token?.resource).toBe('https://vault.azure.net');
  }, 400_000);

  it('kubectl get AzureAssignedIdentity lists <pod>-<namespace>-<identity>, Assigned', async () => {
    const [pod] = await podsOf('app=demo');
    const table = await kubectl(['get', 'AzureAssignedIdentity']);
    expect(table).toMatch(new RegExp(`^${pod.metadata.name}-default-demo-app\\s+Assigned`, 'm'));
  });

  it('a pod without the label is refused', async () => {
    await kubectl([
      'run',
      'nolabel',
      '--image=localhost/pod-identity/client:0.1.0',
      '--image-pull-policy=Never',
      '--command',
      '--',
      'sleep',
      'infinity',
    ]);
    await kubectl(['wait', '--for=condition=Ready', 'pod/nolabel', '--timeout=90s'], 100_000);
    const r = await curlToken('pod/nolabel');
    expect(r.status).toBe(400);
    expect(r.body.access_token).toBeUndefined();
    expect(String(r.body.error_description)).toContain('no identity is bound to pod default/nolabel');
  }, 150_000);

  it('kubectl pod-identity (the plugin, found on PATH by the real kubectl): the demo pod should get a token (exit 0), the unlabelled one gets a ✘ label line (exit 1)', async () => {
    const [pod] = await podsOf('app=demo');
    const env = {
      KUBECONFIG: KUBECONFIG_PATH,
      PATH: `${join(REPO_ROOT, 'dist', 'apps', 'cli')}:${pathWithKubectl()}`,
    };
    const good = await sh(['kubectl', 'pod-identity', 'explain', `pod/${pod.metadata.name}`], 60_000, env);
    expect(good.output).toMatch(/✔ assignment +default\/\S+: Assigned/);
    expect(good.output).toMatch(/✔ MIC +leader pod-identity-mic-\S+/);
    expect(good.output).toMatch(/✔ NMI +pod-identity-nmi-\S+ Ready on aks-nodepool1-\S+, version \d/);
    expect(good.code).toBe(0);
    const bad = await sh(['kubectl', 'pod-identity', 'explain', 'pod/nolabel'], 60_000, env);
    expect(bad.output).toContain('✘ label');
    expect(bad.code).toBe(1);
    // Kept for the docs, beside the timings (not in test-results: CI sums those).
    writeFileSync(
      join(REPO_ROOT, '.local', 'cluster-explain.txt'),
      `${good.output}(exit ${good.code})\n\n${bad.output}(exit ${bad.code})\n`,
    );
  }, 150_000);

  it('kubectl rollout restart of NMI while the pod polls: never a wrong token, never a request from the pod to the real IMDS', async () => {
    const [pod] = await podsOf('app=demo');
    // 150 requests, one every 0.2 s (about 40 s with curl's own time), each answer on one line.
    const poll = kubectl(
      [
        'exec',
        `pod/${pod.metadata.name}`,
        '--',
        'sh',
        '-c',
        `for i in $(seq 1 150); do curl -s -m 2 -H Metadata:true '${TOKEN_URL}'; echo; sleep 0.2; done`,
      ],
      180_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    await kubectl([...SYSTEM, 'rollout', 'restart', 'daemonset/pod-identity-nmi']);
    await kubectl([...SYSTEM, 'rollout', 'status', 'daemonset/pod-identity-nmi', '--timeout=150s'], 160_000);
    const lines = (await poll).split('\n').filter((l) => l.startsWith('{'));
    const tokens = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((b) => typeof b.access_token === 'string');
    expect(tokens.length).toBeGreaterThan(0);
    for (const body of tokens) expectTokenForDemoIdentity(body);
    const control = new ControlClient(readState()?.emulatorControl ?? '');
    const direct = (await control.requests(5000)).filter(
      (r) =>
        r.service === 'imds' && r.remoteAddress.replace(/^::ffff:/, '') === loopbackFor(pod.status.podIP),
    );
    expect(direct).toEqual([]);
    measured('NMI restart: answers while polling', lines.length);
    measured('NMI restart: tokens while polling', tokens.length);
  }, 300_000);

  it('deleting the MIC leader: the other replica takes over, and a new pod still gets its identity', async () => {
    const lease = await jsonOf<{ spec: { holderIdentity: string } }>([
      ...SYSTEM,
      'get',
      'lease',
      'aad-pod-identity-mic',
    ]);
    const leader = lease.spec.holderIdentity;
    await kubectl([...SYSTEM, 'delete', 'pod', leader, '--wait=false']);
    const newLeader = await waitFor(
      'a new MIC leader',
      async () => {
        const l = await jsonOf<{ spec: { holderIdentity: string } }>([
          ...SYSTEM,
          'get',
          'lease',
          'aad-pod-identity-mic',
        ]);
        return l.spec.holderIdentity && l.spec.holderIdentity !== leader ? l.spec.holderIdentity : undefined;
      },
      120_000,
    );
    expect(newLeader).not.toBe(leader);
    await kubectl(['scale', 'deployment/demo', '--replicas=2']);
    await kubectl(['rollout', 'status', 'deployment/demo', '--timeout=120s'], 130_000);
    const pods = await podsOf('app=demo');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      const r = await waitFor(
        `a token for ${pod.metadata.name}`,
        async () => {
          const answer = await curlToken(`pod/${pod.metadata.name}`);
          return answer.status === 200 ? answer : undefined;
        },
        120_000,
      );
      expectTokenForDemoIdentity(r.body);
    }
  }, 400_000);

  it('deleting the Deployment removes the identity from the VM scale set', async () => {
    expect(await vmssIdentities()).toContain(APP_IDENTITY.resourceId.toLowerCase());
    await kubectl(['delete', 'deployment', 'demo']);
    await waitFor(
      'the identity gone from the scale set',
      async () =>
        (await vmssIdentities()).includes(APP_IDENTITY.resourceId.toLowerCase()) ? undefined : true,
      180_000,
    );
    await waitFor(
      'no AzureAssignedIdentity left',
      async () =>
        (await kubectl(['get', 'AzureAssignedIdentity', '-o', 'name'])).trim() === '' ? true : undefined,
      120_000,
    );
  }, 330_000);

  it("a federated identity (deploy/examples/federated.yaml): the pod gets its token through TokenRequest and Entra ID, nothing goes on the scale set, and the node's host network gets nothing from IMDS", async () => {
    const issuer = await trustClusterIssuer();
    await kubectl([
      ...SYSTEM,
      'patch',
      FEDERATION_TARGETS.mic,
      '--type=json',
      '-p',
      JSON.stringify(micFederationPatch(issuer)),
    ]);
    await kubectl([
      ...SYSTEM,
      'patch',
      FEDERATION_TARGETS.nmi,
      '--type=json',
      '-p',
      JSON.stringify(nmiFederationPatch()),
    ]);
    await kubectl([...SYSTEM, 'rollout', 'status', FEDERATION_TARGETS.mic, '--timeout=180s'], 190_000);
    await kubectl([...SYSTEM, 'rollout', 'status', FEDERATION_TARGETS.nmi, '--timeout=180s'], 190_000);
    await kubectl(['apply', '-f', join(REPO_ROOT, 'deploy', 'examples', 'federated.yaml')]);
    const pod = await waitFor(
      'the federated pod Running',
      async () => (await podsOf('app=fed-demo')).find((p) => p.status.phase === 'Running'),
      180_000,
    );
    const started = Date.now();
    const answer = await waitFor(
      'a token through federation',
      async () => {
        const a = await curlToken(`pod/${pod.metadata.name}`);
        return a.status === 200 ? a : undefined;
      },
      180_000,
    );
    measured('federated: pod Running -> first token', (Date.now() - started) / 1000);
    const claims = decodeClaims(String(answer.body.access_token));
    expect(claims.appid).toBe(FEDERATED_IDENTITY.clientId);
    expect(String(claims.xms_mirid).toLowerCase()).toBe(FEDERATED_IDENTITY.resourceId.toLowerCase());
    expect(await vmssIdentities()).not.toContain(FEDERATED_IDENTITY.resourceId.toLowerCase());
    // A process on the node's own network (as a hostNetwork pod) asks the real IMDS: it has nothing for it.
    const node = clusterNodes(NODE_COUNT).find((n) => n.name === pod.spec.nodeName);
    if (!node) throw new Error(`pod on unknown node ${pod.spec.nodeName}`);
    const query = `api-version=2018-02-01&resource=https://vault.azure.net&client_id=${FEDERATED_IDENTITY.clientId}`;
    const direct = await run(
      inNode(node, [
        'curl',
        '-s',
        '-w',
        '\\n%{http_code}',
        '-H',
        'Metadata:true',
        `http://169.254.169.254/metadata/identity/oauth2/token?${query}`,
      ]),
    );
    expect(direct.trimEnd().split('\n').pop()).toBe('400');
    await kubectl(['delete', '-f', join(REPO_ROOT, 'deploy', 'examples', 'federated.yaml'), '--wait=false']);
  }, 700_000);

  it('make undeploy leaves no NMI iptables rule on the nodes', async () => {
    const undeploy = await sh(['make', '--no-print-directory', 'undeploy', 'OVERLAY=local'], 300_000, {
      KUBECONFIG: KUBECONFIG_PATH,
      PATH: pathWithKubectl(),
    });
    expect(undeploy.code).toBe(0);
    for (const node of clusterNodes(NODE_COUNT)) {
      const rules = await run(inNode(node, ['iptables', '-w', '5', '-t', 'nat', '-S']));
      expect(rules).not.toContain('aad-metadata');
    }
  }, 330_000);

  it('make down removes every process, namespace, bridge, mount and directory make up made; a second make down has nothing to do', async () => {
    const down = await sh(['make', '--no-print-directory', 'down'], 180_000);
    expect(down.code).toBe(0);
    const netns = await run(['ip', 'netns', 'list']);
    expect(netns).not.toMatch(/^pi-node-/m);
    expect(await run(['ip', '-br', 'link']).then((l) => l.includes('pi-br0'))).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('/run/pod-identity-cluster');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(REPO_ROOT, '.local', 'cluster'));
    const again = await sh(['make', '--no-print-directory', 'down'], 60_000);
    expect(again.output).toContain('nothing to do');
    measured('make down', down.seconds);
  }, 300_000);
});
