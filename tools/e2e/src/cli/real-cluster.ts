// `make up` / `make down` / `make cluster-status`: the local cluster with real nodes (src/real-cluster).
// Environment of `up`: IMAGE_TAG (default package.json's version), KUBELET_EXTRA_ARGS and
// CONTAINERD_EXTRA_ARGS (flags added to every node's daemons), KEEP_ON_FAILURE=1 (leave a failed start for
// a look; make down removes it).
//   up       start it (a no-op when it is up), deploy the local overlay, print how to use it
//   down     remove everything up made (nothing to do: says so)
//   status   exit 0 when it is up
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../artifacts';
import { KUBECONFIG_PATH, kubectlPath, readState } from '../real-cluster/layout';
import { removedNothing, teardown } from '../real-cluster/teardown';
import { ClusterError, clusterUp, isHealthy, NODE_COUNT } from '../real-cluster/up';

const say = (m: string): void => console.log(`up: ${m}`);

function usage(): string {
  const kc = relative(process.cwd(), KUBECONFIG_PATH) || KUBECONFIG_PATH;
  const state = readState();
  return [
    `the local cluster is up: ${NODE_COUNT} nodes (${state?.nodes.join(', ') ?? '?'}), API server ${state?.server ?? '?'}`,
    'MIC (2 replicas) and NMI (one per node) run from the images in .local/images. Try:',
    '',
    `  export KUBECONFIG=${KUBECONFIG_PATH}`,
    `  export PATH=${dirname(kubectlPath())}:$PATH   # kubectl of the cluster's own version`,
    '  kubectl get nodes -o wide',
    '  kubectl get pods -A -o wide',
    '  kubectl apply -f deploy/examples/walkthrough.yaml   # an AzureIdentity, its binding, a labelled Deployment',
    '  kubectl rollout status deployment/demo',
    '  kubectl exec deploy/demo -- curl -s -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token/?resource=https://vault.azure.net"',
    '  kubectl get azureassignedidentities',
    '',
    `logs: .local/cluster/nodes/<node>/logs, .local/cluster/control-plane, .local/cluster/emulator (kubeconfig ${kc})`,
    'stop: make down',
  ].join('\n');
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      // Ctrl-C: the start stops at its next step and removes what it made; a second Ctrl-C removes it now.
      const abort = new AbortController();
      const onSignal = (): void => {
        if (!abort.signal.aborted) {
          abort.abort();
          return;
        }
        void teardown().finally(() => process.exit(130));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const tag =
        process.env.IMAGE_TAG ??
        (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);
      const result = await clusterUp({
        log: say,
        imageTag: tag,
        extraArgs: {
          kubelet: words(process.env.KUBELET_EXTRA_ARGS),
          containerd: words(process.env.CONTAINERD_EXTRA_ARGS),
        },
        keepOnFailure: process.env.KEEP_ON_FAILURE === '1',
        signal: abort.signal,
      }).catch((err: unknown) => {
        if (abort.signal.aborted) process.exit(130);
        throw err;
      });
      if (result === 'already-running') console.log('up: already up; nothing to do');
      console.log(usage());
      return 0;
    }
    case 'down': {
      const report = await teardown();
      console.log(
        removedNothing(report)
          ? 'down: no local cluster; nothing to do'
          : `down: removed ${report.processes} processes, ${report.mounts} mounts, ${report.network} namespaces and bridges, ${report.cgroups} cgroups, ${report.directories} directories`,
      );
      return 0;
    }
    case 'status':
      if (await isHealthy()) {
        console.log(usage());
        return 0;
      }
      console.log(
        readState()
          ? 'the local cluster is not healthy; make down, then make up'
          : 'no local cluster (make up)',
      );
      return 1;
    default:
      console.error('usage: real-cluster.ts up|down|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // One line (plus the failing daemon's log tail, when there is one); the stack only on request.
    const message = process.env.DEBUG
      ? ((err as Error).stack ?? String(err))
      : ((err as Error).message ?? String(err));
    console.error(`${process.argv[2] ?? 'cluster'}: ${message}`);
    process.exit(err instanceof ClusterError ? 2 : 1);
  },
);
