// OpenID discovery documents and instance discovery, on the emulator's own origin (msal checks the issuer host).

export function openIdConfiguration(
  origin: string,
  tenantId: string,
  version: 'v1' | 'v2',
): Record<string, unknown> {
  const base = `${origin}/${tenantId}`;
  const v = version === 'v2' ? '/v2.0' : '';
  return {
    token_endpoint: `${base}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery${v}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: version === 'v2' ? `${base}/v2.0` : `https://sts.windows.net/${tenantId}/`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2${v}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'azp', 'xms_mirid'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  };
}

/** What login.microsoftonline.com/common/discovery/instance answers, for clients that do not disable it. */
export function instanceDiscovery(
  origin: string,
  authorizationEndpoint: string | null,
): Record<string, unknown> {
  const host = new URL(origin).host;
  const tenantPath = authorizationEndpoint ? new URL(authorizationEndpoint).pathname.split('/')[1] : 'common';
  return {
    tenant_discovery_endpoint: `${origin}/${tenantPath}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
