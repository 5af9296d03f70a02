// ARM adapter: reads and patches the identity block of VMs and VM scale sets with @azure/arm-compute.
// It knows nothing of pods or bindings. SDK-level retries are off: the caller owns waiting (Retry-After,
// backoff, write budget), so throttling is never multiplied by hidden retries.
import { ComputeManagementClient } from '@azure/arm-compute';
import { ArmError } from './errors';
import {
  applyDelta,
  buildIdentityPatch,
  chunkDelta,
  effectiveDelta,
  toIdentityState,
} from './identity-patch';
import { observedArmCall } from './observed-call';
import type { ArmCallObserver, ArmOperation, ComputeRef, IdentityDelta, IdentityState } from './types';

/** The credential type the SDK accepts (from @azure/core-auth, which is not a direct dependency). */
export type ArmTokenCredential = ConstructorParameters<typeof ComputeManagementClient>[0];

export interface ComputeIdentityClientOptions {
  readonly credential: ArmTokenCredential;
  /** ARM endpoint, e.g. https://management.azure.com (or the emulator's). */
  readonly endpoint: string;
  /** Token scope, e.g. https://management.azure.com/.default. */
  readonly scope: string;
  /** Delay between polls of a long-running operation when ARM sends no Retry-After (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Appended to the SDK's user agent. */
  readonly userAgentSuffix?: string;
  readonly observer?: ArmCallObserver;
  /** Extra trusted CA certificates (PEM), besides NODE_EXTRA_CA_CERTS. */
  readonly caPem?: string;
}

/** What MIC needs from ARM. Implemented by ComputeIdentityClient, faked in unit tests. */
export interface ComputeIdentityPort {
  /** The resource's identity block (one GET). */
  getIdentities(ref: ComputeRef, signal?: AbortSignal): Promise<IdentityState>;
  /**
   * Applies the delta to `current` with as few PATCHes as the 150-entry limit allows, waiting for each
   * long-running operation. Returns the resulting state. Throws ArmError.
   */
  updateIdentities(
    ref: ComputeRef,
    current: IdentityState,
    delta: IdentityDelta,
    signal?: AbortSignal,
  ): Promise<IdentityState>;
}

export class ComputeIdentityClient implements ComputeIdentityPort {
  private readonly clients = new Map<string, ComputeManagementClient>();

  constructor(private readonly options: ComputeIdentityClientOptions) {}

  async getIdentities(ref: ComputeRef, signal?: AbortSignal): Promise<IdentityState> {
    const client = this.client(ref.subscriptionId);
    const op: ArmOperation = ref.kind === 'vmss' ? 'vmss_get' : 'vm_get';
    return this.observe(op, async () => {
      const resource =
        ref.kind === 'vmss'
          ? await client.virtualMachineScaleSets.get(ref.resourceGroup, ref.name, { abortSignal: signal })
          : await client.virtualMachines.get(ref.resourceGroup, ref.name, { abortSignal: signal });
      return toIdentityState(resource.identity, resource.provisioningState, resource.etag);
    });
  }

  async updateIdentities(
    ref: ComputeRef,
    current: IdentityState,
    delta: IdentityDelta,
    signal?: AbortSignal,
  ): Promise<IdentityState> {
    if (current.provisioningState?.toLowerCase() === 'deleting') {
      throw new ArmError({
        kind: 'resource-not-found',
        message: `${ref.kind === 'vmss' ? 'VM scale set' : 'VM'} ${ref.name} is being deleted`,
        identityIds: [],
      });
    }
    let state = current;
    for (const chunk of chunkDelta(effectiveDelta(current, delta))) {
      const patch = buildIdentityPatch(state, chunk);
      if (!patch) continue;
      // Removing every user identity sends only `type`: guard it with the ETag, so an identity someone
      // else added since our GET is not wiped out (ARM answers 412 and the caller tries again later).
      const ifMatch = patch.userAssignedIdentities === undefined ? state.etag : undefined;
      const result = await this.patch(ref, patch, signal, ifMatch);
      state = result ?? applyDelta(state, chunk);
    }
    return state;
  }

  private async patch(
    ref: ComputeRef,
    identity: NonNullable<ReturnType<typeof buildIdentityPatch>>,
    signal: AbortSignal | undefined,
    ifMatch?: string,
  ): Promise<IdentityState | undefined> {
    const client = this.client(ref.subscriptionId);
    const options = {
      abortSignal: signal,
      updateIntervalInMs: this.options.pollIntervalMs ?? 5000,
      ...(ifMatch ? { ifMatch } : {}),
    };
    // The SDK types do not admit null map values, but its serializer sends them: null removes an identity.
    const body = { identity: identity as unknown as { type: typeof identity.type } };
    const op: ArmOperation = ref.kind === 'vmss' ? 'vmss_update' : 'vm_update';
    return this.observe(op, async () => {
      const resource =
        ref.kind === 'vmss'
          ? await client.virtualMachineScaleSets.update(ref.resourceGroup, ref.name, body, options)
          : await client.virtualMachines.update(ref.resourceGroup, ref.name, body, options);
      return resource.identity
        ? toIdentityState(resource.identity, resource.provisioningState, resource.etag)
        : undefined;
    });
  }

  private observe<T>(op: ArmOperation, fn: () => Promise<T>): Promise<T> {
    return observedArmCall(op, this.options.observer, fn);
  }

  private client(subscriptionId: string): ComputeManagementClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new ComputeManagementClient(this.options.credential, subscriptionId, {
        endpoint: this.options.endpoint,
        credentials: { scopes: [this.options.scope] },
        retryOptions: { maxRetries: 0 },
        ...(this.options.caPem ? { tlsOptions: { ca: this.options.caPem } } : {}),
        userAgentOptions: this.options.userAgentSuffix
          ? { userAgentPrefix: this.options.userAgentSuffix }
          : undefined,
      });
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}
