/** A kubeconfig (or the in-cluster ServiceAccount) that cannot give credentials; the message says why. */
export class KubeConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}
