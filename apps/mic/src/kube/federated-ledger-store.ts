// MIC's record of the federated identity credentials it created (docs/adr/0010, as ADR 0005 for VM
// identities): one ConfigMap `<ledger-prefix>-federated` in MIC's namespace, one entry per user-assigned
// identity (key: 16 hex of SHA-256 of its id; value: the id, then the credential names, one per line).
// One object, so that after a restart MIC finds every identity it may owe a clean-up without list rights;
// credential writes are rare (one per new ServiceAccount), so contention is negligible. Writes are
// conditional on resourceVersion and run one at a time in this process; a conflict re-reads and retries once.
import { createHash } from 'node:crypto';
import { isConflict, isNotFound, type KubeHttp } from '@pod-identity/kube';

export const FEDERATED_LEDGER_LABEL = 'pod-identity.azure.com/mic-fic-ledger';

/** What the federated applier needs from the ledger. */
export interface FederatedLedger {
  /** Identity ids (canonical) with an entry. Reads the ConfigMap once. */
  identities(): Promise<string[]>;
  get(identityId: string): Promise<ReadonlySet<string>>;
  /** Replaces the identity's names (an empty list removes its entry). */
  set(identityId: string, names: readonly string[]): Promise<void>;
}

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

export function ledgerKey(identityId: string): string {
  return createHash('sha256').update(identityId).digest('hex').slice(0, 16);
}

function parse(data: Record<string, string> | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const value of Object.values(data ?? {})) {
    const [id, ...names] = value
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (id) out.set(id, new Set(names));
  }
  return out;
}

export class ConfigMapFederatedLedger implements FederatedLedger {
  private entries: Map<string, Set<string>> | undefined;
  private resourceVersion: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly http: KubeHttp,
    private readonly namespace: string,
    private readonly prefix = 'pod-identity-mic-ledger',
  ) {}

  get name(): string {
    return `${this.prefix}-federated`;
  }

  async identities(): Promise<string[]> {
    return [...(await this.load()).keys()].sort();
  }

  async get(identityId: string): Promise<ReadonlySet<string>> {
    return (await this.load()).get(identityId) ?? new Set();
  }

  set(identityId: string, names: readonly string[]): Promise<void> {
    const run = this.queue.then(() => this.write(identityId, names));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(identityId: string, names: readonly string[], retried = false): Promise<void> {
    const entries = new Map(await this.load());
    if (names.length === 0) entries.delete(identityId);
    else entries.set(identityId, new Set(names));
    try {
      await this.save(entries);
    } catch (err) {
      // Another leader (or an operator) wrote it meanwhile: read it again and apply our change to that.
      if (!(isConflict(err) || isNotFound(err)) || retried) throw err;
      this.entries = undefined;
      await this.write(identityId, names, true);
    }
  }

  private async load(): Promise<Map<string, Set<string>>> {
    if (this.entries) return this.entries;
    try {
      const cm = await this.http.request<ConfigMap>({ method: 'GET', path: this.path(this.name) });
      this.entries = parse(cm.data);
      this.resourceVersion = cm.metadata?.resourceVersion;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.entries = new Map();
      this.resourceVersion = undefined;
    }
    return this.entries;
  }

  private async save(entries: Map<string, Set<string>>): Promise<void> {
    const data: Record<string, string> = {};
    for (const [id, names] of entries) data[ledgerKey(id)] = [id, ...[...names].sort()].join('\n');
    const body: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { [FEDERATED_LEDGER_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'pod-identity-mic' },
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      },
      data,
    };
    const saved = this.resourceVersion
      ? await this.http.request<ConfigMap>({ method: 'PUT', path: this.path(this.name), body })
      : await this.http.request<ConfigMap>({ method: 'POST', path: this.path(), body });
    this.entries = entries;
    this.resourceVersion = saved.metadata?.resourceVersion;
  }

  private path(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`;
    return name ? `${base}/${encodeURIComponent(name)}` : base;
  }
}
