// 100 pods on one VMSS: how many ARM writes and syncs MIC needs, and how long until all are Assigned.
// Batching is the point here, so the write counts are asserted; times are only printed.

import { installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  eventually,
  identitiesOn,
  listAssigned,
  NODE_RG,
  seedIdentity,
  setupEnvironment,
  startMicFor,
  SUB,
  teardownEnvironment,
  uaiSpec,
  vmssId,
  writesTo,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-scale');
const PODS = 100;
const DISTINCT = 20;

describe('MIC at 100 pods on one VMSS', () => {
  let env: MicEnvironment;
  let mic: MicHandle;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    const names = ['shared', ...Array.from({ length: DISTINCT }, (_, i) => `own-${i}`)];
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: names.map((n) => seedIdentity(n)),
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-s1', instances: 4 },
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-s2', instances: 4 },
        ],
      }),
    );
    for (const pool of ['pool-s1', 'pool-s2']) {
      for (let i = 0; i < 4; i++)
        await createNode(env, `${ns.name}-${pool}-${i}`, `azure://${vmssId(pool)}/virtualMachines/${i}`);
    }
    for (const n of names) await createIdentity(env, n, uaiSpec(n));
    await createBinding(env, 'shared', { azureIdentity: 'shared', selector: 'shared' });
    for (let i = 0; i < DISTINCT; i++)
      await createBinding(env, `own-${i}`, { azureIdentity: `own-${i}`, selector: `own-${i}` });
    mic = await startMicFor(env);
    await eventually('MIC active', () => mic.isActive());
  }, 120_000);

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
  });

  async function run(
    pool: string,
    selector: (i: number) => string,
  ): Promise<{ writes: number; syncs: number; ms: number }> {
    const writesBefore = await writesTo(env, vmssId(pool));
    const syncsBefore = mic.syncCount();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: PODS }, (_, i) =>
        createPod(env, `${pool}-p${i}`, `${ns.name}-${pool}-${i % 4}`, selector(i)),
      ),
    );
    process.stdout.write(`pods created after ${Date.now() - started} ms\n`);
    await eventually(
      `${PODS} assignments Assigned`,
      async () =>
        (await listAssigned(env)).filter((a) => a.pod.startsWith(`${pool}-`) && a.status === 'Assigned')
          .length === PODS,
      120_000,
    );
    return {
      writes: (await writesTo(env, vmssId(pool))) - writesBefore,
      syncs: mic.syncCount() - syncsBefore,
      ms: Date.now() - started,
    };
  }

  it('one shared identity: one PATCH for 100 pods', async () => {
    const r = await run('pool-s1', () => 'shared');
    process.stdout.write(
      `100 pods, 1 identity, 1 VMSS: ${r.writes} ARM write(s), ${r.syncs} syncs, ${r.ms} ms until all Assigned\n`,
    );
    expect(r.writes).toBe(1);
    expect(identitiesOn(env, vmssId('pool-s1'))).toHaveLength(1);
  });

  it(`${DISTINCT} identities: PATCHes are batched, far fewer than identities`, async () => {
    const r = await run('pool-s2', (i) => `own-${i % DISTINCT}`);
    process.stdout.write(
      `100 pods, ${DISTINCT} identities, 1 VMSS: ${r.writes} ARM write(s), ${r.syncs} syncs, ${r.ms} ms until all Assigned\n`,
    );
    expect(identitiesOn(env, vmssId('pool-s2'))).toHaveLength(DISTINCT);
    expect(r.writes).toBeLessThan(DISTINCT / 2);
  });
});
