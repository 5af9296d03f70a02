// A node network namespace with NMI (bundle) and its own iptables rules, pods behind veth pairs, the
// emulator's IMDS on 169.254.169.254 inside the node namespace. Real clients in the pods: curl and the
// unchanged @azure/identity ManagedIdentityCredential with its default endpoint.
import { loopbackFor } from '../src/forwarder';
import { PodIdentitySystem, type SimPod } from '../src/system';
import { METADATA_IP } from '../src/topology';
import { APP_IDENTITY } from '../src/world';
import {
  applyIdentity,
  labelled,
  networkOf,
  RESOURCE,
  requireRoot,
  type PodClientPoll,
  type PodClientToken,
} from './support';

const TEAM_A = 'team-a';
const TEAM_B = 'team-b';

describe('whole system in network namespaces: tokens', () => {
  let system: PodIdentitySystem | undefined;
  let bound: SimPod;
  let unbound: SimPod;
  let otherNamespace: SimPod;

  const sys = (): PodIdentitySystem => {
    if (!system) throw new Error('system not started');
    return system;
  };

  beforeAll(async () => {
    requireRoot();
    // MIC in the original's cross-namespace mode: it assigns the team-b pod too, so refusing it is NMI's job.
    system = await PodIdentitySystem.start({
      mode: 'netns',
      nodeCount: 1,
      micReplicas: 1,
      micForceNamespaced: false,
    });
    await system.createNamespace(TEAM_A);
    await system.createNamespace(TEAM_B);
    await applyIdentity(system, TEAM_A);
    const node = system.nodes[0];
    bound = await system.createPod(TEAM_A, 'bound', node, labelled());
    unbound = await system.createPod(TEAM_A, 'unbound', node);
    otherNamespace = await system.createPod(TEAM_B, 'other-namespace', node, labelled());
    await system.waitAssigned(bound, 60_000);
    await system.waitAssigned(otherNamespace, 60_000);
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('NMI installed its interception rules inside the node namespace', async () => {
    const net = networkOf(sys().nodes[0]);
    const { stdout } = await net.exec(net.namespace, ['iptables', '-w', '5', '-t', 'nat', '-S']);
    expect(stdout).toContain('-A PREROUTING -j aad-metadata');
    expect(stdout).toContain(
      `-A aad-metadata ! -s 127.0.0.1/32 -d ${METADATA_IP}/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:2579`,
    );
  });

  it('a bound pod gets its token with curl', async () => {
    const res = await sys().requestToken(bound, RESOURCE);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, string>;
    expect(body.client_id).toBe(APP_IDENTITY.clientId);
    expect(body.resource).toBe(RESOURCE);
  });

  it('a bound pod gets its token with the unchanged ManagedIdentityCredential', async () => {
    const result = (await sys().runPodClient(bound, ['token', RESOURCE], 60_000)) as PodClientToken;
    expect(result.ok).toBe(true);
    expect(result.claims?.aud).toBe(RESOURCE);
    expect(result.claims?.xms_mirid).toBe(APP_IDENTITY.resourceId);
    expect(result.claims?.oid).toBe(APP_IDENTITY.principalId);
  });

  it('an unbound pod gets no token (curl and ManagedIdentityCredential)', async () => {
    const res = await sys().requestToken(unbound, RESOURCE);
    expect(res.status).toBe(400);
    expect(res.body).toContain('Identity not found');
    const result = (await sys().runPodClient(unbound, ['token', RESOURCE], 60_000)) as PodClientToken;
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Identity not found');
  });

  it('a labelled pod in another namespace gets no token, although MIC assigned it', async () => {
    const res = await sys().requestToken(otherNamespace, RESOURCE);
    expect(res.status).toBe(400);
    const result = (await sys().runPodClient(otherNamespace, ['token', RESOURCE], 60_000)) as PodClientToken;
    expect(result.ok).toBe(false);
  });

  it('so far no pod request reached the emulator IMDS directly', () => {
    for (const pod of [bound, unbound, otherNamespace])
      expect(sys().imdsRequestsFrom(loopbackFor(pod.ip))).toEqual([]);
    // NMI's own calls did reach it (from the node itself).
    expect(sys().imdsRequestsFrom('127.0.0.1').length).toBeGreaterThan(0);
  });

  it('the check can see a bypass: with the PREROUTING jump removed, a pod reaches IMDS directly', async () => {
    const node = sys().nodes[0];
    const net = networkOf(node);
    const probe = await sys().createPod(TEAM_A, 'bypass-probe', node);
    await net.exec(net.namespace, [
      'iptables',
      '-w',
      '5',
      '-t',
      'nat',
      '-D',
      'PREROUTING',
      '-j',
      'aad-metadata',
    ]);
    try {
      const res = await sys().requestToken(probe, RESOURCE);
      // The emulator's IMDS answered the unlabelled pod itself: exactly what NMI's rules prevent.
      expect(res.status).toBe(200);
      expect(sys().imdsRequestsFrom(loopbackFor(probe.ip)).length).toBeGreaterThan(0);
    } finally {
      await net.exec(net.namespace, [
        'iptables',
        '-w',
        '5',
        '-t',
        'nat',
        '-I',
        'PREROUTING',
        '1',
        '-j',
        'aad-metadata',
      ]);
    }
    expect((await sys().requestToken(probe, RESOURCE)).status).toBe(400);
  });

  it('NMI restarted while a client polls: no request ever reaches the emulator IMDS directly from a pod', async () => {
    const node = sys().nodes[0];
    const poller = await sys().createPod(TEAM_A, 'poller', node, labelled());
    await sys().waitAssigned(poller, 60_000);
    const before = sys().requests.length;
    const polling = sys().runPodClient(poller, ['poll', RESOURCE, '9000'], 60_000) as Promise<PodClientPoll>;
    await new Promise((r) => setTimeout(r, 2000));
    const oldPid = node.nmi?.pid;
    await sys().restartNmi(node);
    expect(node.nmi?.pid).not.toBe(oldPid);
    const { tally } = await polling;
    // Served before and after the restart, and the client really polled through the gap (refused or 503).
    expect(tally['200']).toBeGreaterThan(0);
    expect(Object.keys(tally).filter((outcome) => outcome !== '200')).not.toEqual([]);
    const direct = sys()
      .requests.slice(before)
      .filter((r) => r.service === 'imds' && r.remoteAddress.replace(/^::ffff:/, '') !== '127.0.0.1');
    expect(direct).toEqual([]);
    expect(sys().imdsRequestsFrom(loopbackFor(poller.ip))).toEqual([]);
    const after = (await sys().runPodClient(poller, ['token', RESOURCE, '30000'], 60_000)) as PodClientToken;
    expect(after.ok).toBe(true);
  });
});
