// Small helpers for the apiserver: create one of our custom objects, and read a failed call's status.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

export const GROUP = 'aadpodidentity.k8s.io';

const PLURALS: Record<string, string> = {
  AzureIdentity: 'azureidentities',
  AzureIdentityBinding: 'azureidentitybindings',
  AzureAssignedIdentity: 'azureassignedidentities',
  AzurePodIdentityException: 'azurepodidentityexceptions',
};

export function createCustom(
  kc: KubeConfig,
  namespace: string,
  kind: string,
  name: string,
  spec: unknown,
): Promise<unknown> {
  return kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace,
    plural: PLURALS[kind] ?? kind,
    // kubectl's default since 1.27: unknown fields are an error, not silently pruned.
    fieldValidation: 'Strict',
    body: { apiVersion: `${GROUP}/v1`, kind, metadata: { name }, spec },
  });
}

export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/** The status of a call expected to fail; `undefined` when it succeeded. */
export async function refusalOf(call: Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    const e = err as { code?: number; body?: unknown; message?: string };
    const body = typeof e.body === 'string' ? safeJson(e.body) : (e.body as { message?: string } | undefined);
    return { code: e.code ?? 0, message: body?.message ?? e.message ?? String(err) };
  }
}

function safeJson(text: string): { message?: string } {
  try {
    return JSON.parse(text) as { message?: string };
  } catch {
    return { message: text };
  }
}
