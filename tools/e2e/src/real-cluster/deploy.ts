// The local cluster's Azure configuration and `make deploy OVERLAY=local`. As on AKS, the cluster's azure.json
// is a Secret the installation mounts (pod-identity-mic-cloud-config); the local overlay adds the custom
// cloud's endpoints (cloud.json) and the emulator's CA in a ConfigMap, which MIC reads through
// AZURE_ENVIRONMENT_FILEPATH and NODE_EXTRA_CA_CERTS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../artifacts';
import { azureJson } from '../world';
import { run } from './host';
import { KUBECONFIG_PATH, kubectlPath, pathWithKubectl } from './layout';

export const SYSTEM_NAMESPACE = 'pod-identity-system';
export const CLOUD_CONFIG_SECRET = 'pod-identity-mic-cloud-config';
export const LOCAL_CLOUD_CONFIGMAP = 'pod-identity-local-cloud';

/** The Namespace, Secret and ConfigMap as one kubectl-appliable document (pure). */
export function cloudConfigObjects(cloudJson: string, caPem: string): string {
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CLOUD_CONFIG_SECRET, namespace: SYSTEM_NAMESPACE },
      type: 'Opaque',
      stringData: { 'azure.json': JSON.stringify(azureJson(), null, 2) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: LOCAL_CLOUD_CONFIGMAP, namespace: SYSTEM_NAMESPACE },
      data: { 'cloud.json': cloudJson, 'ca.pem': caPem },
    },
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

export async function writeCloudConfig(emulatorStateDir: string): Promise<void> {
  const cloudJson = readFileSync(join(emulatorStateDir, 'cloud.json'), 'utf8');
  const caPem = readFileSync(join(emulatorStateDir, 'ca.pem'), 'utf8');
  await run([kubectlPath(), `--kubeconfig=${KUBECONFIG_PATH}`, 'apply', '-f', '-'], {
    input: cloudConfigObjects(cloudJson, caPem),
  });
}

/** `make deploy OVERLAY=local`, then waits for MIC and NMI to be Ready (bounded). */
export async function deployLocalOverlay(log: (m: string) => void): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn('make', ['--no-print-directory', 'deploy', 'OVERLAY=local'], {
      cwd: REPO_ROOT,
      env: { ...process.env, KUBECONFIG: KUBECONFIG_PATH, PATH: pathWithKubectl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (b: Buffer): void => {
      output += b.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(
            `make deploy OVERLAY=local failed (exit ${code}):\n${output.trim().split('\n').slice(-10).join('\n')}`,
          ),
        );
    });
  });
  log('waiting for MIC (2 replicas) and NMI (one per node) to be Ready');
  const kubectl = [kubectlPath(), `--kubeconfig=${KUBECONFIG_PATH}`, '-n', SYSTEM_NAMESPACE];
  await run([...kubectl, 'rollout', 'status', 'deployment/pod-identity-mic', '--timeout=180s'], {
    timeoutMs: 190_000,
  });
  await run([...kubectl, 'rollout', 'status', 'daemonset/pod-identity-nmi', '--timeout=180s'], {
    timeoutMs: 190_000,
  });
}
