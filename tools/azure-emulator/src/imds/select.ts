// Which identity an IMDS token request gets, from the identities attached to the caller's VM / VMSS.

export interface AttachedIdentity {
  readonly kind: 'system' | 'user';
  readonly clientId: string;
  readonly principalId: string;
  /** The user-assigned identity's id, or the VM / VMSS id for the system-assigned one. */
  readonly resourceId: string;
  readonly tenantId: string;
}

export type IdentitySelector =
  { readonly by: 'client_id' | 'object_id' | 'msi_res_id'; readonly value: string } | undefined;

export type Selection =
  | { readonly ok: true; readonly identity: AttachedIdentity }
  | { readonly ok: false; readonly reason: 'not-found' | 'ambiguous' };

const norm = (s: string): string => s.trim().replace(/\/+$/, '').toLowerCase();

export function selectIdentity(attached: readonly AttachedIdentity[], selector: IdentitySelector): Selection {
  const users = attached.filter((a) => a.kind === 'user');
  if (selector) {
    const wanted = norm(selector.value);
    const field = { client_id: 'clientId', object_id: 'principalId', msi_res_id: 'resourceId' } as const;
    const found = users.find((u) => norm(u[field[selector.by]]) === wanted);
    return found ? { ok: true, identity: found } : { ok: false, reason: 'not-found' };
  }
  const system = attached.find((a) => a.kind === 'system');
  if (system) return { ok: true, identity: system };
  if (users.length === 1) return { ok: true, identity: users[0] };
  return { ok: false, reason: users.length === 0 ? 'not-found' : 'ambiguous' };
}

const SELECTOR_PARAMS = ['client_id', 'object_id', 'msi_res_id', 'mi_res_id'] as const;

/** Reads the id parameter; `mi_res_id` (the App Service spelling) is accepted as `msi_res_id`. */
export function readSelector(query: URLSearchParams): IdentitySelector | 'conflict' {
  const given = SELECTOR_PARAMS.filter((p) => query.has(p));
  if (given.length > 1) return 'conflict';
  if (given.length === 0) return undefined;
  const param = given[0];
  const value = query.get(param) ?? '';
  return { by: param === 'mi_res_id' ? 'msi_res_id' : param, value };
}
