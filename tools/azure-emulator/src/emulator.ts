// startAzureEmulator: one state behind IMDS (http), Entra ID and ARM (https), and the control API.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { armDefaultHeaders, armErrorShapes, armRouter } from './arm/routes';
import { OperationStore } from './arm/operations';
import { writeCloudFiles } from './cloud-env';
import { ControlClient, type NodeInfo } from './control/client';
import { startControlServer } from './control/server';
import type { EmulatorCore } from './core';
import { Counters } from './counters';
import { entraErrorShapes, entraRouter } from './entra/routes';
import { IssuerKeys, type JwksFetcher } from './entra/issuer-keys';
import { FaultRules } from './faults/rules';
import { Throttler } from './faults/throttler';
import { imdsErrorShapes } from './imds/errors';
import { ImdsLimiter } from './imds/limiter';
import { NodeImdsListeners } from './imds/listeners';
import { imdsRouter } from './imds/routes';
import { parseListenAddress } from './http/listen-address';
import { type Listener, type ServeContext, startListener } from './http/serve';
import type { RequestLogEntry } from './http/types';
import { defaultRuntimeOptions, mergeRuntimeOptions, type RuntimeOptionsPatch } from './options';
import { applySeed } from './state/seed';
import type { SeedDocument } from './state/seed-types';
import { EmulatorState } from './state/store';
import { loadSeedFile } from './seed-file';
import { DEFAULT_SANS } from './tls/certs';
import { loadOrCreateTls } from './tls/tls-store';
import { TokenSigner } from './tokens/signer';

export interface AzureEmulatorOptions {
  /** A seed document, or the path of a JSON / YAML seed file. */
  readonly seed?: SeedDocument | string;
  /** Default tenant (else the seed's tenantId, else a random GUID). */
  readonly tenantId?: string;
  /** Listen addresses (host:port; port 0 = any free port). Defaults: 127.0.0.1:0 each. */
  readonly listen?: { arm?: string; entra?: string; control?: string };
  /** The shared IMDS listener (callers mapped by source address); null = none. Default 127.0.0.1:0. */
  readonly sharedImdsListen?: string | null;
  /** IMDS listen address of nodes that do not name one; null = shared listener only. Default 127.0.0.1:0. */
  readonly defaultNodeImdsListen?: string | null;
  /**
   * Folder for the CA, server certificate, signing key, cloud.json and emulator.env (reused when present).
   * Default: a new temporary folder, removed by stop().
   */
  readonly stateDir?: string;
  /** Extra names for the server certificate (besides localhost, 127.0.0.1, ::1). */
  readonly subjectAltNames?: string[];
  readonly runtime?: RuntimeOptionsPatch;
  readonly defaultLocation?: string;
  /** Called for every request on the Azure endpoints (never with bodies, tokens or secrets). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  readonly now?: () => number;
  /** How many recent requests GET /requests keeps. Default 1000. */
  readonly requestLogSize?: number;
  /** For federated assertions whose issuer is not registered in the state. */
  readonly fetchJwks?: JwksFetcher;
}

export interface AzureEmulator {
  readonly urls: {
    /** ARM endpoint (ComputeManagementClient / ManagedServiceIdentityClient `endpoint`). */
    readonly arm: string;
    /** Entra ID authority host (credential `authorityHost`). */
    readonly authorityHost: string;
    /** Shared IMDS listener (callers identified by source address), if enabled. */
    readonly imds?: string;
    readonly control: string;
  };
  readonly tenantId: string;
  readonly ca: { readonly pem: string; readonly path: string };
  readonly cloudEnvironmentPath: string;
  readonly envFilePath: string;
  readonly stateDir: string;
  readonly control: ControlClient;
  /** Direct access to the state (same process only). */
  readonly state: EmulatorState;
  readonly core: EmulatorCore;
  /** Simulated nodes, with their IMDS URLs. */
  nodes(): NodeInfo[];
  /** The IMDS URL of a node (by VM name, `<vmss>_<id>`, computer name or key). */
  imdsUrl(node: string): string;
  /** Applies a seed document (and starts IMDS listeners of new nodes). */
  seed(doc: SeedDocument, replace?: boolean): Promise<void>;
  stop(): Promise<void>;
}

function resolveSeed(seed: AzureEmulatorOptions['seed']): SeedDocument | undefined {
  return typeof seed === 'string' ? loadSeedFile(seed) : seed;
}

async function loadSigner(dir: string): Promise<TokenSigner> {
  const path = join(dir, 'token-signing-key.pem');
  const signer = await TokenSigner.create(existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  if (!existsSync(path)) writeFileSync(path, signer.privateKeyPem, { mode: 0o600 });
  return signer;
}

function nodeInfo(core: EmulatorCore, listeners: NodeImdsListeners): NodeInfo[] {
  return core.state.nodes().map((n) => ({
    key: n.key,
    name: n.name,
    computerName: n.computerName,
    resourceId: n.resourceId,
    vmId: n.vmId,
    kind: n.owner.kind,
    imdsUrl: listeners.url(n.key),
    addresses: n.network.addresses,
    providerId: `azure://${n.resourceId}`,
  }));
}

interface Setup {
  readonly seed?: SeedDocument;
  /** True when the emulator made a temporary state folder (removed again on stop). */
  readonly ownsStateDir: boolean;
  readonly tenantId: string;
  readonly stateDir: string;
  readonly tls: ReturnType<typeof loadOrCreateTls>;
  readonly now: () => number;
}

function resolveSetup(options: AzureEmulatorOptions): Setup {
  const seed = resolveSeed(options.seed);
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'azure-emulator-'));
  return {
    seed,
    ownsStateDir: options.stateDir === undefined,
    tenantId: options.tenantId ?? seed?.tenantId ?? randomUUID(),
    stateDir,
    tls: loadOrCreateTls(stateDir, [...DEFAULT_SANS, ...(options.subjectAltNames ?? [])]),
    now: options.now ?? Date.now,
  };
}

async function buildCore(options: AzureEmulatorOptions, setup: Setup): Promise<EmulatorCore> {
  const state = new EmulatorState(setup.tenantId);
  const runtime = mergeRuntimeOptions(defaultRuntimeOptions(), options.runtime ?? {});
  return {
    state,
    signer: await loadSigner(setup.stateDir),
    counters: new Counters(),
    faults: new FaultRules(),
    throttler: new Throttler(runtime.throttling, setup.now),
    operations: new OperationStore(),
    imdsLimiter: new ImdsLimiter(),
    issuerKeys: new IssuerKeys(state, options.fetchJwks, setup.now),
    options: runtime,
    now: setup.now,
    defaultImdsListen:
      options.defaultNodeImdsListen === undefined ? '127.0.0.1:0' : options.defaultNodeImdsListen,
    defaultLocation: options.defaultLocation ?? 'eastus',
  };
}

/** A bounded in-memory log of recent requests, forwarded to the caller's callback. */
function requestLog(options: AzureEmulatorOptions): {
  onRequest: (entry: RequestLogEntry) => void;
  recent: (limit: number) => RequestLogEntry[];
} {
  const log: RequestLogEntry[] = [];
  const size = options.requestLogSize ?? 1000;
  return {
    onRequest: (entry) => {
      log.push(entry);
      if (log.length > size) log.splice(0, log.length - size);
      options.onRequest?.(entry);
    },
    recent: (limit) => log.slice(-Math.max(0, limit)),
  };
}

const listenOn = (value: string | undefined): ReturnType<typeof parseListenAddress> =>
  parseListenAddress(value ?? '127.0.0.1:0');

interface Services {
  readonly arm: Listener;
  readonly entra: Listener;
  readonly shared?: Listener;
}

async function startServices(
  core: EmulatorCore,
  options: AzureEmulatorOptions,
  setup: Setup,
  imdsCtx: ServeContext,
  started: Listener[],
): Promise<Services> {
  const base = { faults: core.faults, counters: core.counters, log: imdsCtx.log };
  const tls = { key: setup.tls.material.server.keyPem, cert: setup.tls.material.server.certPem };
  const arm = await startListener(
    {
      ...base,
      service: 'arm',
      router: armRouter(core),
      errors: armErrorShapes,
      defaultHeaders: armDefaultHeaders,
    },
    { address: listenOn(options.listen?.arm), tls },
  );
  started.push(arm);
  const entra = await startListener(
    { ...base, service: 'entra', router: entraRouter(core), errors: entraErrorShapes(setup.now) },
    { address: listenOn(options.listen?.entra), tls },
  );
  started.push(entra);
  const sharedListen = options.sharedImdsListen === undefined ? '127.0.0.1:0' : options.sharedImdsListen;
  if (sharedListen === null) return { arm, entra };
  const shared = await startListener(imdsCtx, { address: parseListenAddress(sharedListen) });
  started.push(shared);
  return { arm, entra, shared };
}

export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const setup = resolveSetup(options);
  const core = await buildCore(options, setup);
  const { state } = core;
  const log = requestLog(options);
  const imdsCtx: ServeContext = {
    faults: core.faults,
    counters: core.counters,
    log: log.onRequest,
    service: 'imds',
    router: imdsRouter(core),
    errors: imdsErrorShapes,
  };
  const started: Listener[] = [];
  const listeners = new NodeImdsListeners(state, imdsCtx);
  const stopAll = async (): Promise<void> => {
    await listeners.close();
    await Promise.all(started.map((l) => l.close()));
    if (setup.ownsStateDir) rmSync(setup.stateDir, { recursive: true, force: true });
  };
  try {
    const { arm, entra, shared } = await startServices(core, options, setup, imdsCtx, started);
    const applyDoc = async (doc: unknown, replace: boolean): Promise<void> => {
      if (replace) state.clear();
      applySeed(state, doc, {
        defaultImdsListen: core.defaultImdsListen,
        defaultLocation: core.defaultLocation,
        now: setup.now(),
      });
      await listeners.sync();
    };
    state.onNodesChanged(() => void listeners.sync());
    if (setup.seed) await applyDoc(setup.seed, false);
    const partial = { arm: arm.url, authorityHost: entra.url, imds: shared?.url };
    const control = await startControlServer(
      core,
      {
        seed: applyDoc,
        nodes: () => nodeInfo(core, listeners),
        requests: log.recent,
        urls: () => ({
          ...partial,
          control: control.url,
          tenantId: setup.tenantId,
          caPath: setup.tls.caPath,
          imdsListenerErrors: listeners.errors,
        }),
      },
      listenOn(options.listen?.control),
    );
    started.push(control);
    const urls = { ...partial, control: control.url };
    const files = writeCloudFiles(setup.stateDir, {
      ...urls,
      tenantId: setup.tenantId,
      caPath: setup.tls.caPath,
    });
    return {
      urls,
      tenantId: setup.tenantId,
      ca: { pem: setup.tls.material.ca.certPem, path: setup.tls.caPath },
      cloudEnvironmentPath: files.cloudPath,
      envFilePath: files.envPath,
      stateDir: setup.stateDir,
      control: new ControlClient(control.url),
      state,
      core,
      nodes: () => nodeInfo(core, listeners),
      imdsUrl: (ref) => {
        const node = state.findNode(ref);
        const url = node ? listeners.url(node.key) : undefined;
        if (!url) throw new Error(`no IMDS listener for node "${ref}"`);
        return url;
      },
      seed: (doc, replace = false) => applyDoc(doc, replace),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
