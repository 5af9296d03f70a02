/** Base class for every error the envtest harness throws, so callers can tell them apart. */
export class EnvtestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The kube-apiserver or etcd binary has not been built yet. */
export class BinariesMissingError extends EnvtestError {
  constructor(
    readonly missing: readonly string[],
    readonly binDir: string,
  ) {
    super(
      `envtest binaries missing: ${missing.join(', ')} (looked in ${binDir}). ` +
        'Build them with `make envtest` (runs tools/envtest/build.sh; the first build takes several minutes).',
    );
  }
}

/** A port the caller asked for (or one we picked that got taken meanwhile) is already bound. */
export class PortInUseError extends EnvtestError {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(
      `port 127.0.0.1:${port} for ${what} is already in use; stop whatever listens there or let envtest pick a free port`,
    );
  }
}

/** A server did not become ready within the bound. */
export class StartupTimeoutError extends EnvtestError {
  constructor(what: string, timeoutMs: number, logTail: string) {
    super(`${what} did not become ready within ${timeoutMs} ms\n${logTail}`);
  }
}

/** A server process exited while we were waiting for it to become ready. */
export class ProcessExitedError extends EnvtestError {
  constructor(what: string, code: number | null, signal: string | null, logTail: string) {
    super(`${what} exited during startup (code ${code}, signal ${signal})\n${logTail}`);
  }
}
