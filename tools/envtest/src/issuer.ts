// The API server as an OIDC issuer: its discovery document and signing keys, read with the given
// (admin) credentials. The API server serves them only to authenticated callers, and Entra ID never
// authenticates, so tests register them in the Azure emulator's seed (oidcIssuers) instead of letting
// it fetch them.
import { type KubeConfig, OpenidApi, WellKnownApi } from '@kubernetes/client-node';

export interface ServiceAccountIssuer {
  /** Exactly the `iss` of the API server's ServiceAccount tokens. */
  readonly issuer: string;
  readonly jwks: { keys: Record<string, unknown>[] };
}

/** client-node types these answers as strings but hands over the parsed JSON. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export async function serviceAccountIssuer(admin: KubeConfig): Promise<ServiceAccountIssuer> {
  const discovery = json<{ issuer: string }>(
    await admin.makeApiClient(WellKnownApi).getServiceAccountIssuerOpenIDConfiguration(),
  );
  const jwks = json<ServiceAccountIssuer['jwks']>(
    await admin.makeApiClient(OpenidApi).getServiceAccountIssuerOpenIDKeyset(),
  );
  return { issuer: discovery.issuer, jwks };
}

/** What registering an issuer needs of the Azure emulator (its ControlClient). */
export interface IssuerRegistry {
  seed(doc: { oidcIssuers: ServiceAccountIssuer[] }): Promise<unknown>;
}

/** Registers the API server's issuer and keys with the emulator's Entra ID; returns the issuer URL. */
export async function trustServiceAccountIssuer(
  admin: KubeConfig,
  registry: IssuerRegistry,
): Promise<string> {
  const found = await serviceAccountIssuer(admin);
  await registry.seed({ oidcIssuers: [found] });
  return found.issuer;
}
