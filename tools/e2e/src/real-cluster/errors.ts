/** A failure of the local cluster that the operator can fix; the CLI prints its message as one line. */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** The one line for a port the cluster needs that something else holds. */
export function portTaken(address: string, port: number, what: string): ClusterError {
  return new ClusterError(
    `port ${address}:${port} (${what}) is already in use; stop whatever listens there (ss -ltnp 'sport = :${port}') and run make up again`,
  );
}
