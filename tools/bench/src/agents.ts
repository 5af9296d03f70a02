// NMI and MIC as child processes, started from their real entry points (apps/*/src/main.ts through tsx),
// exactly as their own process tests do. Tools never import app code; they only run it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './proc';
import { Fatal, freePort, get, metricSum, until } from './net';
import { MIC_CLIENT_ID, MIC_SECRET, NODE_RG, SUB, type World } from './world';

export interface NmiProcess {
  readonly child: Child;
  readonly port: number;
  readonly metricsPort: number;
}

/**
 * NMI at its production log level (info: one audit line per token issued), stdout discarded so that
 * reading it costs the bench nothing. Fixed free ports instead of reading them from the log.
 */
export async function startNmi(
  entry: string,
  world: World,
  node: string,
  imdsPort: number,
  extra: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<NmiProcess> {
  const [port, probePort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    `--node=${node}`,
    `--kubeconfig=${world.plane.kubeconfigPath}`,
    `--nmi-port=${port}`,
    `--http-probe-port=${probePort}`,
    `--prometheus-port=${metricsPort}`,
    '--probe-address=127.0.0.1',
    '--metadata-ip=127.0.0.1',
    `--metadata-port=${imdsPort}`,
    '--manage-iptables=false',
    '--kubelet-config=/nonexistent/kubelet',
    ...extra,
  ];
  const child = new Child('nmi', entry, args, {}, 'apps/nmi/tsconfig.json', nodeArgs, false);
  try {
    await until(
      'nmi ready',
      async () => {
        if (!child.running) throw new Fatal(`nmi exited: ${child.stderr()}`);
        return (await get(probePort, '/readyz', '127.0.0.1', {})).status === 200;
      },
      90_000,
      100,
    );
    return { child, port, metricsPort };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

export interface MicProcess {
  readonly child: Child;
  readonly metricsPort: number;
  metrics(): Promise<string>;
  syncs(): Promise<number>;
  stop(): Promise<void>;
}

export async function startMic(
  entry: string,
  world: World,
  namespace: string,
  extra: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<MicProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mic-'));
  const azureJson = join(dir, 'azure.json');
  writeFileSync(
    azureJson,
    JSON.stringify({
      cloud: 'AzureStackCloud',
      tenantId: world.emulator.tenantId,
      subscriptionId: SUB,
      resourceGroup: NODE_RG,
      aadClientId: MIC_CLIENT_ID,
      aadClientSecret: MIC_SECRET,
      vmType: 'vmss',
    }),
    { mode: 0o600 },
  );
  const probePort = await freePort();
  const metricsPort = await freePort();
  const child = new Child(
    'mic',
    entry,
    [
      `--kubeconfig=${world.plane.kubeconfigPath}`,
      `--pod-namespace=${namespace}`,
      `--cloudconfig=${azureJson}`,
      '--leader-election-instance=bench-mic',
      `--http-probe-port=${probePort}`,
      `--prometheus-port=${metricsPort}`,
      '--bind-address=127.0.0.1',
      '--log-level=warn',
      ...extra,
    ],
    {
      AZURE_ENVIRONMENT_FILEPATH: world.emulator.cloudEnvironmentPath,
      NODE_EXTRA_CA_CERTS: world.emulator.ca.path,
      MIC_POD_NAMESPACE: namespace,
    },
    'apps/mic/tsconfig.json',
    nodeArgs,
  );
  const metrics = async (): Promise<string> => (await get(metricsPort, '/metrics', '127.0.0.1', {})).body;
  const stop = async (): Promise<void> => {
    await child.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'mic leader and ready',
      async () => {
        if (!child.running) throw new Fatal(`mic exited: ${child.stderr()}`);
        const ready = (await get(probePort, '/readyz', '127.0.0.1', {})).status === 200;
        return ready && metricSum(await metrics(), 'mic_leader') === 1;
      },
      90_000,
      200,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    child,
    metricsPort,
    metrics,
    syncs: async () => metricSum(await metrics(), 'mic_syncs_total'),
    stop,
  };
}
