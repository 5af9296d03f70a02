// `make demo`: the whole system on this machine, step by step. A control plane, the Azure emulator
// (one VM scale set with two nodes, one user-assigned identity), MIC and one NMI per node from the
// built bundles; the README's AzureIdentity and binding, a labelled pod, MIC assigning the identity,
// then the pod's token request through 169.254.169.254 and the refusal of a pod without the label.
// As root the pods are network namespaces and NMI's real iptables rules intercept their requests;
// otherwise each pod calls its node's NMI from its own 127.x address. Ctrl-C stops everything.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../artifacts';
import { decodeClaims, redactTokenResponse } from '../claims';
import { bindingLabels, exampleManifests } from '../cluster';
import { isRoot } from '../network';
import { curlArgv, type TokenResponse } from '../pod-requests';
import { PodIdentitySystem, type Mode, type SimPod } from '../system';
import { APP_IDENTITY, MIC_CLIENT_ID, SUBSCRIPTION_ID, VMSS_NAME, vmssResourceId } from '../world';

const NAMESPACE = 'default';
const SELECTOR = 'demo-app';
const RESOURCE = 'https://vault.azure.net';
const LOG_DIR = join(REPO_ROOT, '.local', 'demo', 'logs');
// Wall time from the start of this process (tsx's compile time included).
const started = Date.now() - process.uptime() * 1000;
let stepNumber = 0;
let system: PodIdentitySystem | undefined;

const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

function step(text: string): void {
  stepNumber++;
  console.log(`\n[${elapsed()}] ${stepNumber}. ${text}`);
}

const detail = (text: string): void => console.log(`      ${text.split('\n').join('\n      ')}`);

/** Prints progress every second while `work` runs (one rewritten line on a terminal). */
async function withProgress<T>(label: string, work: Promise<T>): Promise<T> {
  const t0 = Date.now();
  const tty = process.stdout.isTTY;
  // A rewritten line every second on a terminal; a new line every 5 s in a log.
  const timer = setInterval(
    () => {
      const line = `      … ${label} (${((Date.now() - t0) / 1000).toFixed(0)}s)`;
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
    },
    tty ? 1000 : 5000,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
    if (tty) process.stdout.write('\r\x1b[K');
  }
}

const hasCommand = (name: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** netns when root and the tools exist; `--loopback` (or DEMO_MODE=loopback) forces loopback. */
function chooseMode(): { mode: Mode; why: string } {
  if (process.env.DEMO_MODE === 'loopback' || process.argv.includes('--loopback'))
    return { mode: 'loopback', why: 'loopback mode (asked for)' };
  if (!isRoot()) return { mode: 'loopback', why: 'loopback mode (not root: no network namespaces)' };
  const missing = ['ip', 'iptables', 'curl'].filter((c) => !hasCommand(c));
  if (missing.length > 0)
    return {
      mode: 'loopback',
      why: `loopback mode (missing ${missing.join(', ')}; \`make net-tools\` installs iproute2 and iptables)`,
    };
  return { mode: 'netns', why: 'network namespaces; NMI installs its real iptables rules (running as root)' };
}

function logToFiles(name: string, line: string): void {
  appendFileSync(join(LOG_DIR, `${name}.log`), `${line}\n`);
}

async function startSystem(mode: Mode): Promise<PodIdentitySystem> {
  step(
    'Start a control plane (kube-apiserver + etcd), the Azure emulator, MIC and one NMI per node, from the bundles',
  );
  detail(`Azure: subscription ${SUBSCRIPTION_ID}, VM scale set ${VMSS_NAME} with 2 instances (= 2 nodes),`);
  detail(
    `user-assigned identity ${APP_IDENTITY.name}, MIC's service principal ${MIC_CLIENT_ID} may assign it`,
  );
  rmSync(LOG_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const s = await withProgress(
    'starting',
    PodIdentitySystem.start({
      mode,
      nodeCount: 2,
      micReplicas: 1,
      // A scale set update takes 40-60 s in Azure; 3 s here, so that the demo shows MIC waiting for ARM.
      emulatorRuntime: { operationDurationMs: { vmss: 3000 } },
      progress: (m) => detail(`· [${elapsed()}] ${m}`),
      onProcessLine: logToFiles,
    }),
  );
  system = s;
  for (const node of s.nodes) detail(`node ${node.name}  providerID ${node.providerId}`);
  detail(`MIC (pid ${s.mics[0].pid}) and NMI on each node are running; their logs: ${LOG_DIR}`);
  if (mode === 'netns') await showRules(s);
  return s;
}

async function showRules(s: PodIdentitySystem): Promise<void> {
  const node = s.nodes[0];
  if (!node.network) return;
  const { stdout } = await node.network.exec(node.network.namespace, [
    'iptables',
    '-w',
    '5',
    '-t',
    'nat',
    '-S',
    'aad-metadata',
  ]);
  detail(
    `NMI's interception rules in ${node.network.namespace} (iptables -t nat -S aad-metadata):\n${stdout.trim()}`,
  );
}

async function applyIdentity(s: PodIdentitySystem): Promise<void> {
  step('Apply an AzureIdentity and an AzureIdentityBinding (the README example)');
  const manifests = exampleManifests(
    APP_IDENTITY.name,
    APP_IDENTITY.resourceId,
    APP_IDENTITY.clientId,
    SELECTOR,
  );
  detail(manifests.map((m) => stringify(m).trim()).join('\n---\n'));
  for (const m of manifests) await s.cluster.createCustom(NAMESPACE, m);
}

async function createLabelledPod(s: PodIdentitySystem): Promise<SimPod> {
  step(`Create pod "demo-app" labelled aadpodidbinding=${SELECTOR} on node ${s.nodes[0].name}`);
  const pod = await s.createPod(NAMESPACE, 'demo-app', s.nodes[0], bindingLabels(SELECTOR));
  detail(
    `no kubelet runs here, so the demo writes the pod's status itself: phase Running, podIP ${pod.ip}${pod.netns ? ` (network namespace ${pod.netns})` : ''}`,
  );
  return pod;
}

async function showAssignment(s: PodIdentitySystem, pod: SimPod): Promise<void> {
  step(
    'MIC sees the pod, creates an AzureAssignedIdentity and assigns the identity to the scale set through ARM',
  );
  let last = '';
  const report = (status: string): void => {
    if (status !== last)
      detail(
        `AzureAssignedIdentity: ${status}${status === 'Created' ? ' (MIC is updating the scale set through ARM)' : ''}`,
      );
    last = status;
  };
  await withProgress('waiting for MIC', s.waitAssigned(pod, 45_000, report));
  report('Assigned');
  detail(`$ kubectl get azureassignedidentity -n ${NAMESPACE}\n${await s.assignedTable(NAMESPACE)}`);
  const vmss = s.emulator.state.computeResource(vmssResourceId());
  const ids = vmss ? [...vmss.identity.user.values()].map((u) => u.id.split('/').pop()) : [];
  detail(`ARM now shows on ${VMSS_NAME}: userAssignedIdentities = [${ids.join(', ')}]`);
}

function printTokenResponse(res: TokenResponse): void {
  const body = JSON.parse(res.body) as Record<string, unknown>;
  detail(`HTTP ${res.status}\n${JSON.stringify(redactTokenResponse(body), null, 2)}`);
  if (typeof body.access_token === 'string') {
    detail(`decoded token claims:\n${JSON.stringify(decodeClaims(body.access_token), null, 2)}`);
  }
}

const shellQuote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`);

function describeRequest(pod: SimPod): string {
  if (pod.netns) return `$ ip netns exec ${pod.netns} ${curlArgv(RESOURCE).map(shellQuote).join(' ')}`;
  return `GET http://169.254.169.254/metadata/identity/oauth2/token?resource=${RESOURCE} (Metadata: true) from ${pod.ip} to NMI on 127.0.0.1:${pod.node.nmiPort}`;
}

async function requestAsPod(s: PodIdentitySystem, pod: SimPod, title: string): Promise<TokenResponse> {
  step(title);
  detail(describeRequest(pod));
  return withProgress('waiting for the answer', s.requestToken(pod, RESOURCE));
}

async function run(): Promise<void> {
  const { mode, why } = chooseMode();
  console.log(
    `pod identity demo: ${why}${mode === 'loopback' ? '; each pod calls its node NMI from its own 127.x address' : ''}`,
  );
  const s = await startSystem(mode);
  await applyIdentity(s);
  const pod = await createLabelledPod(s);
  await showAssignment(s, pod);
  const ok = await requestAsPod(
    s,
    pod,
    'As the pod, request a token for Key Vault through 169.254.169.254: NMI finds the pod by its IP and answers',
  );
  printTokenResponse(ok);
  step('Create pod "no-label" (no aadpodidbinding label) on the same node');
  const other = await s.createPod(NAMESPACE, 'no-label', s.nodes[0]);
  detail(`podIP ${other.ip}`);
  const refused = await requestAsPod(
    s,
    other,
    'As that pod, make the same request: NMI refuses it, the pod holds no identity',
  );
  detail(`HTTP ${refused.status}  ${refused.body.trim()}`);
  if (ok.status !== 200 || refused.status === 200)
    throw new Error('unexpected outcome: the labelled pod must get a token and the other must be refused');
}

async function shutdown(code: number): Promise<never> {
  const s = system;
  system = undefined;
  if (s) {
    console.log(
      `\n[${elapsed()}] Stopping MIC, NMI, the emulator and the control plane${s.options.mode === 'netns' ? ', deleting the network namespaces' : ''}`,
    );
    await Promise.race([s.stop(), new Promise((r) => setTimeout(r, 30_000))]);
  }
  console.log(`[${elapsed()}] ${code === 0 ? 'Done' : 'Stopped'} (wall time ${elapsed()})`);
  process.exit(code);
}

// Handlers stay installed: a second Ctrl-C (or the one tsx relays) must not kill the process before
// the stop has finished and the exit hooks have run.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping everything`);
    void shutdown(130);
  });
}

run().then(
  () => {
    stopping = true;
    return shutdown(0);
  },
  (err: Error) => {
    // After Ctrl-C, a step failing because its command was interrupted is not news.
    if (stopping) return;
    stopping = true;
    console.error(`\ndemo failed: ${err.message}`);
    return shutdown(1);
  },
);
