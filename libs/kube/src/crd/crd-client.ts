// Typed access to our four custom resources. Objects are normalised (legacy PascalCase fields folded
// into camelCase by @pod-identity/crd-types) whenever they are read.
import {
  ASSIGNED_IDENTITY_FINALIZER,
  type CrdObjectsByKind,
  GROUP,
  KINDS,
  type Kind,
  normalizeCrdObject,
  type NormalizedObjects,
  PLURALS,
  VERSION,
} from '@pod-identity/crd-types';
import { KubeApiError } from '../http/errors';
import type { KubeHttp, Query } from '../http/kube-http';
import {
  httpListerWatcher,
  type ListerWatcher,
  type ListResult,
  type ResourceSelectors,
} from '../informer/lister-watcher';
import { applyFinalizerChange } from './finalizers';

/** The object type of each kind, as read (normalised by @pod-identity/crd-types). */
export type CrdObjects = NormalizedObjects;

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface ListOptions extends ResourceSelectors {
  /** Omit for all namespaces. */
  readonly namespace?: string;
}

export interface DeleteOptions {
  /** Delete only this incarnation / version (409 otherwise). */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

/** Collection path: /apis/<group>/<version>[/namespaces/<ns>]/<plural> */
export function crdPath(kind: Kind, namespace?: string, name?: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const item = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `/apis/${GROUP}/${VERSION}${ns}/${PLURALS[kind]}${item}`;
}

export class CrdClient<K extends Kind> {
  constructor(
    private readonly http: KubeHttp,
    readonly kind: K,
    /** fieldManager sent on writes (shows in managedFields). */
    private readonly fieldManager = 'pod-identity',
  ) {}

  async list(options: ListOptions = {}): Promise<ListResult<CrdObjects[K]>> {
    const query = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    const body = await this.http.request<{ items?: unknown[]; metadata?: { resourceVersion?: string } }>({
      method: 'GET',
      path: crdPath(this.kind, options.namespace),
      query,
    });
    return {
      items: (body.items ?? []).map((o) => normalizeCrdObject(this.kind, o)),
      resourceVersion: body.metadata?.resourceVersion ?? '',
    };
  }

  /** A ListerWatcher for Informer; pass `transform: (o) => normalizeCrdObject(kind, o)` or use crdInformer. */
  listerWatcher(options: ListOptions = {}): ListerWatcher<unknown> {
    return httpListerWatcher<unknown>(this.http, { ...options, path: crdPath(this.kind, options.namespace) });
  }

  async get(namespace: string, name: string): Promise<CrdObjects[K]> {
    const obj = await this.http.request<unknown>({
      method: 'GET',
      path: crdPath(this.kind, namespace, name),
    });
    return normalizeCrdObject(this.kind, obj);
  }

  /** Creates; apiVersion and kind are filled in. 409 AlreadyExists when the name is taken. */
  async create(obj: CrdObjectsByKind[K] | CrdObjects[K]): Promise<CrdObjects[K]> {
    const namespace = requireNamespace(obj);
    const body = { ...obj, apiVersion: `${GROUP}/${VERSION}`, kind: this.kind };
    return this.write('POST', crdPath(this.kind, namespace), body);
  }

  /** Replaces the whole object (status included: these CRDs have no status subresource). */
  async update(obj: CrdObjectsByKind[K] | CrdObjects[K]): Promise<CrdObjects[K]> {
    const namespace = requireNamespace(obj);
    const body = { ...obj, apiVersion: `${GROUP}/${VERSION}`, kind: this.kind };
    return this.write('PUT', crdPath(this.kind, namespace, obj.metadata?.name), body);
  }

  /**
   * JSON merge patch (RFC 7386). Include metadata.resourceVersion in the patch to make it
   * conditional (409 when stale).
   */
  async mergePatch(namespace: string, name: string, patch: Record<string, unknown>): Promise<CrdObjects[K]> {
    return this.write('PATCH', crdPath(this.kind, namespace, name), patch, 'application/merge-patch+json');
  }

  /** JSON patch (RFC 6902). */
  async jsonPatch(
    namespace: string,
    name: string,
    ops: readonly JsonPatchOperation[],
  ): Promise<CrdObjects[K]> {
    return this.write('PATCH', crdPath(this.kind, namespace, name), ops, 'application/json-patch+json');
  }

  /** Deletes; with a finalizer the object stays (deletionTimestamp set) until the finalizer is removed. */
  async delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<void> {
    await this.http.request<unknown>({
      method: 'DELETE',
      path: crdPath(this.kind, namespace, name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', ...options },
    });
  }

  /** Adds the finalizer if missing (conditional on resourceVersion; retried on conflict). */
  addFinalizer(
    namespace: string,
    name: string,
    finalizer = ASSIGNED_IDENTITY_FINALIZER,
  ): Promise<CrdObjects[K]> {
    return applyFinalizerChange(this, namespace, name, (list) =>
      list.includes(finalizer) ? list : [...list, finalizer],
    ) as Promise<CrdObjects[K]>;
  }

  /** Removes the finalizer if present; a missing object is not an error (resolves undefined). */
  removeFinalizer(
    namespace: string,
    name: string,
    finalizer = ASSIGNED_IDENTITY_FINALIZER,
  ): Promise<CrdObjects[K] | undefined> {
    return applyFinalizerChange(this, namespace, name, (list) => list.filter((f) => f !== finalizer), {
      missingOk: true,
    });
  }

  private async write(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    body: unknown,
    contentType?: string,
  ): Promise<CrdObjects[K]> {
    const query: Query = { fieldManager: this.fieldManager };
    const obj = await this.http.request<unknown>({ method, path, body, contentType, query });
    return normalizeCrdObject(this.kind, obj);
  }
}

function requireNamespace(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  if (!ns) throw new KubeApiError(400, 'BadRequest', 'metadata.namespace is required', undefined, 'client');
  return ns;
}

/** The four clients together. */
export interface CrdClients {
  readonly identities: CrdClient<'AzureIdentity'>;
  readonly bindings: CrdClient<'AzureIdentityBinding'>;
  readonly assignedIdentities: CrdClient<'AzureAssignedIdentity'>;
  readonly exceptions: CrdClient<'AzurePodIdentityException'>;
}

export function crdClients(http: KubeHttp, fieldManager?: string): CrdClients {
  return {
    identities: new CrdClient(http, KINDS.AzureIdentity, fieldManager),
    bindings: new CrdClient(http, KINDS.AzureIdentityBinding, fieldManager),
    assignedIdentities: new CrdClient(http, KINDS.AzureAssignedIdentity, fieldManager),
    exceptions: new CrdClient(http, KINDS.AzurePodIdentityException, fieldManager),
  };
}
