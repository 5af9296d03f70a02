// Applies or removes a Kustomize overlay on the cluster of the current kubeconfig (KUBECONFIG honoured).
// usage: node tools/scripts/deploy.mjs apply|delete <overlay>
//   delete keeps the namespace (the cloud-config Secret, MIC's ledger) and the CRDs (removing them deletes every
//   AzureIdentity and binding); UNDEPLOY_ALL=1 removes those too.
// Rendering: $KUSTOMIZE, else the kustomize built by tools/envtest/build-kustomize.sh, else `kubectl kustomize`.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [action, overlay] = process.argv.slice(2);
const overlaysDir = join(root, 'deploy', 'overlays');

function fail(message, code = 1) {
  console.error(`deploy: ${message}`);
  process.exit(code);
}

function run(cmd, args, { input, timeoutMs = 120_000 } = {}) {
  const r = spawnSync(cmd, args, {
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: !r.error && r.status === 0,
    stdout: r.stdout ?? '',
    stderr: r.error ? r.error.message : (r.stderr ?? ''),
  };
}

function kustomizeBinary() {
  if (process.env.KUSTOMIZE) return process.env.KUSTOMIZE;
  const versions = readFileSync(join(root, 'tools', 'envtest', 'versions.env'), 'utf8');
  const version = /^KUSTOMIZE_VERSION=(\S+)/m.exec(versions)?.[1];
  const cache = process.env.ENVTEST_CACHE || join(homedir(), '.cache', 'pod-identity-envtest');
  const bin = join(cache, `kustomize-${version}`, 'kustomize');
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return undefined;
  }
}

function render(dir) {
  const bin = kustomizeBinary();
  const r = bin ? run(bin, ['build', dir]) : run('kubectl', ['kustomize', dir]);
  if (!r.ok) fail(`rendering ${dir} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS())
    .filter((o) => o && o.kind);
}

function toYaml(objects) {
  return objects.map((o) => stringify(o)).join('---\n');
}

const NMI_DAEMONSET = 'pod-identity-nmi';
const CLEANUP_TIMEOUT = '120s';

/**
 * NMI keeps its interception rules when it stops (a restarting NMI must not let pods reach the real IMDS), so
 * removing it for good runs `nmi --uninstall-iptables` once on every node it ran on: one pod per node, from the
 * DaemonSet's own template (same image, host network, capabilities, xtables lock), that exits when done.
 */
function removeInterceptionRules(daemonSet, kubectl) {
  const namespace = daemonSet.metadata.namespace;
  // NMI's pods go first (the garbage collector removes them after the DaemonSet), so none of them re-adds a
  // rule after the uninstall.
  const podSelector = Object.entries(daemonSet.spec.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const gone = run(
    'kubectl',
    ['-n', namespace, 'wait', '--for=delete', 'pod', '-l', podSelector, `--timeout=${CLEANUP_TIMEOUT}`],
    {
      timeoutMs: 150_000,
    },
  );
  if (!gone.ok)
    fail(`NMI's pods did not go within ${CLEANUP_TIMEOUT} after its DaemonSet was deleted:\n${gone.stderr}`);
  const selector = Object.entries(daemonSet.spec.template.spec.nodeSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const listed = run('kubectl', ['get', 'nodes', '-o', 'json', ...(selector ? ['-l', selector] : [])]);
  if (!listed.ok) fail(`could not list the nodes to remove NMI's iptables rules:\n${listed.stderr}`);
  const nodes = JSON.parse(listed.stdout).items.map((n) => n.metadata.name);
  const pods = nodes.map((node, i) => {
    const spec = structuredClone(daemonSet.spec.template.spec);
    const [container] = spec.containers;
    container.args = ['--uninstall-iptables'];
    delete container.livenessProbe;
    delete container.readinessProbe;
    delete container.ports;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${NMI_DAEMONSET}-uninstall-${i}`,
        namespace,
        labels: { 'app.kubernetes.io/name': 'pod-identity', 'app.kubernetes.io/component': 'nmi-uninstall' },
      },
      spec: { ...spec, nodeName: node, restartPolicy: 'Never', containers: [container] },
    };
  });
  if (pods.length === 0) return;
  kubectl(['apply'], pods);
  const names = pods.map((p) => `pod/${p.metadata.name}`);
  const waited = run(
    'kubectl',
    [
      '-n',
      namespace,
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      `--timeout=${CLEANUP_TIMEOUT}`,
      ...names,
    ],
    { timeoutMs: 150_000 },
  );
  run('kubectl', ['-n', namespace, 'delete', '--ignore-not-found', '--wait=false', ...names]);
  if (!waited.ok)
    fail(
      `NMI's iptables rules may be left on some nodes (${nodes.join(', ')}): the uninstall pods did not finish within ${CLEANUP_TIMEOUT}:\n${waited.stderr}\nRun 'nmi --uninstall-iptables' on those nodes, or delete the aad-metadata chain of table nat by hand.`,
    );
  console.log(`deploy: NMI's interception rules removed from ${nodes.length} node(s)`);
}

if (!['apply', 'delete'].includes(action) || !overlay) fail('usage: deploy.mjs apply|delete <overlay>', 2);
const available = readdirSync(overlaysDir).sort();
if (!available.includes(overlay))
  fail(`no overlay "${overlay}"; available: ${available.join(', ')} (make deploy OVERLAY=<name>)`, 2);
if (!run('kubectl', ['version', '--client'], { timeoutMs: 20_000 }).ok)
  fail('kubectl not found on PATH; it is needed to talk to the cluster');
const kubeconfig = process.env.KUBECONFIG || join(homedir(), '.kube', 'config');
const ready = run('kubectl', ['get', '--raw', '/readyz', '--request-timeout=5s'], { timeoutMs: 15_000 });
if (!ready.ok) {
  const detail = ready.stderr.trim().split('\n').slice(-2).join(' ');
  fail(
    `no cluster answers (kubeconfig ${kubeconfig}${existsSync(kubeconfig) ? '' : ', missing'}): ${detail || 'no answer'}`,
  );
}

const objects = render(join(overlaysDir, overlay));
const isCrd = (o) => o.kind === 'CustomResourceDefinition';
const first = objects.filter((o) => isCrd(o) || o.kind === 'Namespace');
const rest = objects.filter((o) => !first.includes(o));
const work = mkdtempSync(join(tmpdir(), 'pod-identity-deploy-'));
try {
  const kubectl = (args, objs) => {
    let fileArgs = [];
    if (objs) {
      const file = join(work, 'objects.yaml');
      writeFileSync(file, toYaml(objs));
      fileArgs = ['-f', file];
    }
    const r = run('kubectl', [...args, ...fileArgs]);
    process.stdout.write(r.stdout);
    if (!r.ok) fail(`kubectl ${args[0]} failed:\n${r.stderr}`);
  };
  if (action === 'apply') {
    // CRDs first and Established before the custom resources that need them; server-side apply avoids the
    // last-applied annotation, which the large CRD schemas would overflow.
    kubectl(['apply', '--server-side', '--field-manager=pod-identity-deploy', '--force-conflicts'], first);
    const names = objects.filter(isCrd).map((o) => `crd/${o.metadata.name}`);
    if (names.length > 0) kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names]);
    kubectl(['apply', '--server-side', '--field-manager=pod-identity-deploy', '--force-conflicts'], rest);
    console.log(`deploy: overlay ${overlay} applied`);
  } else {
    const all = process.env.UNDEPLOY_ALL === '1';
    // NMI first, and its rules with it, while its namespace still takes pods.
    const nmi = rest.filter((o) => o.kind === 'DaemonSet' && o.metadata.name === NMI_DAEMONSET);
    if (nmi.length > 0) {
      kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s'], nmi);
      removeInterceptionRules(nmi[0], kubectl);
    }
    const doomed = [...rest.filter((o) => !nmi.includes(o)).reverse(), ...(all ? first : [])];
    kubectl(['delete', '--ignore-not-found', '--wait=false'], doomed);
    console.log(
      `deploy: overlay ${overlay} removed${all ? ' with its namespace and CRDs' : '; namespace and CRDs kept (UNDEPLOY_ALL=1 removes them and every identity)'}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
