// Two MIC replicas (bundles) with leader election; the leader is killed (SIGKILL) while its ARM
// operation on the scale set is running. The standby takes the Lease, finishes the assignment, and the
// pod, polling with the unchanged ManagedIdentityCredential inside its namespace, gets its token.
import { PodIdentitySystem } from '../src/system';
import { APP_IDENTITY, vmssResourceId } from '../src/world';
import {
  applyIdentity,
  eventually,
  labelled,
  present,
  RESOURCE,
  requireRoot,
  type PodClientToken,
} from './support';

const NAMESPACE = 'team-ha';

describe('whole system in network namespaces: MIC leader killed during assignment', () => {
  let system: PodIdentitySystem | undefined;

  beforeAll(async () => {
    requireRoot();
    system = await PodIdentitySystem.start({
      mode: 'netns',
      nodeCount: 1,
      micReplicas: 2,
      leaseDuration: '3s',
      // A crashed leader does not wait for its ARM operation.
      micFlags: ['--shutdown-grace=0s'],
    });
    await system.createNamespace(NAMESPACE);
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('the standby finishes the assignment and the pod gets its token', async () => {
    const sys = present(system, 'the system');
    const leader = await sys.leader(30_000);
    const standby = present(
      sys.mics.find((m) => m !== leader),
      'the standby replica',
    );
    await sys.emulator.control.setOptions({ operationDurationMs: { vmss: 4000 } });
    await applyIdentity(sys, NAMESPACE);
    const pod = await sys.createPod(NAMESPACE, 'ha-app', sys.nodes[0], labelled());
    const client = sys.runPodClient(pod, ['token', RESOURCE, '90000'], 120_000) as Promise<PodClientToken>;
    const writes = async (): Promise<number> =>
      (await sys.emulator.control.counters()).writes[vmssResourceId().toLowerCase()] ?? 0;
    await eventually('the leader PATCHed the scale set', async () => (await writes()) >= 1, 60_000);
    expect(
      (await sys.cluster.assignedIdentities(NAMESPACE)).find((a) => a.pod === 'ha-app')?.status,
    ).not.toBe('Assigned');
    await leader.kill();
    await sys.emulator.control.setOptions({ operationDurationMs: { vmss: 500 } });
    expect(await sys.leader(30_000)).toBe(standby);
    const assigned = await sys.waitAssigned(pod, 60_000);
    expect(assigned.identity).toBe(APP_IDENTITY.name);
    const result = await client;
    expect(result.ok).toBe(true);
    expect(result.claims?.xms_mirid).toBe(APP_IDENTITY.resourceId);
    const vmss = sys.emulator.state.computeResource(vmssResourceId());
    expect([...(vmss?.identity.user.values() ?? [])].map((u) => u.id.toLowerCase())).toContain(
      APP_IDENTITY.resourceId.toLowerCase(),
    );
  });
});
