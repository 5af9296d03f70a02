// MIC's durable record of the identities it added to each VM/VMSS (docs/adr/0005): one ConfigMap per
// target in MIC's namespace, so it survives restarts and leader changes and writes to different targets
// never contend. Only what MIC added is ever removed; identities that were there before stay.
// Each record is read once and then remembered: writes are conditional on its resourceVersion, so a record
// changed elsewhere fails the write and is read again; removals ask for a fresh read (see TargetRunner).
import { createHash } from 'node:crypto';
import { isConflict, isNotFound, type KubeHttp } from '@pod-identity/kube';
import type { LedgerReadOptions, LedgerStore } from '../apply/ports';
import type { TargetRef } from '../plan/model';
import { formatTarget } from '../plan/targets';

export const LEDGER_LABEL = 'pod-identity.azure.com/mic-ledger';

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

export function ledgerName(prefix: string, target: TargetRef): string {
  return `${prefix}-${createHash('sha256').update(target.key).digest('hex').slice(0, 16)}`;
}

function parseIds(text: string | undefined): Set<string> {
  return new Set(
    (text ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

export class ConfigMapLedgerStore implements LedgerStore {
  private readonly cache = new Map<string, { ids: Set<string>; resourceVersion?: string }>();

  constructor(
    private readonly http: KubeHttp,
    private readonly namespace: string,
    private readonly prefix = 'pod-identity-mic-ledger',
  ) {}

  private path(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`;
    return name ? `${base}/${encodeURIComponent(name)}` : base;
  }

  /** Answers from what this process last read or wrote, unless `fresh` (see LedgerStore). */
  async get(target: TargetRef, options: LedgerReadOptions = {}): Promise<ReadonlySet<string>> {
    const known = options.fresh ? undefined : this.cache.get(target.key);
    if (known) return known.ids;
    const name = ledgerName(this.prefix, target);
    try {
      const cm = await this.http.request<ConfigMap>({ method: 'GET', path: this.path(name) });
      const entry = { ids: parseIds(cm.data?.identities), resourceVersion: cm.metadata?.resourceVersion };
      this.cache.set(target.key, entry);
      return entry.ids;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.cache.set(target.key, { ids: new Set() });
      return new Set();
    }
  }

  async set(target: TargetRef, ids: readonly string[]): Promise<void> {
    const name = ledgerName(this.prefix, target);
    if (!this.cache.has(target.key)) await this.get(target, { fresh: true });
    const known = this.cache.get(target.key);
    const body: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: this.namespace,
        labels: { [LEDGER_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'pod-identity-mic' },
        annotations: { [`${LEDGER_LABEL.split('/')[0]}/target`]: formatTarget(target) },
        ...(known?.resourceVersion ? { resourceVersion: known.resourceVersion } : {}),
      },
      data: { target: formatTarget(target), identities: [...ids].sort().join('\n') },
    };
    try {
      const saved = known?.resourceVersion
        ? await this.http.request<ConfigMap>({ method: 'PUT', path: this.path(name), body })
        : await this.http.request<ConfigMap>({ method: 'POST', path: this.path(), body });
      this.cache.set(target.key, { ids: new Set(ids), resourceVersion: saved.metadata?.resourceVersion });
    } catch (err) {
      // Someone (a previous leader, an operator) wrote or deleted it meanwhile: forget what we knew; the
      // caller retries later from the stored record.
      if (isConflict(err) || isNotFound(err)) this.cache.delete(target.key);
      throw err;
    }
  }
}
