// What KubeHttp needs from a kubeconfig: the API server's address, and the TLS material and Authorization
// header for a request. client-node's KubeConfig has the same shape, so tests may pass one.
import type https from 'node:https';

export interface KubeCredentials {
  getCurrentCluster(): { readonly server: string } | null;
  /** Sets the request's TLS options, agent and Authorization header. */
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

/** Credentials as loaded for a program: also the namespace its context names, if any. */
export interface LoadedKubeConfig extends KubeCredentials {
  readonly contextNamespace: string | undefined;
}
