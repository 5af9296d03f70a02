// Public API of @pod-identity/platform.
export { type Clock, SystemClock, systemClock, SleepAbortedError, isSleepAborted } from './clock/clock';
export { ManualClock, flushMicrotasks } from './clock/manual-clock';
export {
  createLogger,
  parseLogLevel,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logging/logger';
export { redactClientId, scrubText, scrubValue, isSecretKey, REDACTED } from './logging/redact';
export {
  createMetricsRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  Summary,
  type MetricsRegistryOptions,
} from './metrics/registry';
export {
  startProbeServer,
  runChecks,
  type HealthCheck,
  type ProbeServer,
  type ProbeServerOptions,
  type CheckReport,
} from './metrics/probe-server';
export { startProbeServers, type ProbeServers, type ProbeServersOptions } from './metrics/probe-servers';
export { parseDuration, formatDuration } from './flags/duration';
export { parseFlags, type ParseFlagsInput } from './flags/parse';
export { formatHelp, type HelpOptions } from './flags/help';
export { parseBoolean } from './flags/argv';
export { KLOG_FLAGS, type IgnoredFlagKind, type IgnoredFlags } from './flags/klog';
export {
  defineFlags,
  FlagError,
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  type FlagSource,
  type ParsedFlags,
  type StringFlag,
  type BooleanFlag,
  type IntFlag,
  type DurationFlag,
  type ListFlag,
} from './flags/types';
export {
  Backoff,
  backoffDelay,
  resolveBackoff,
  type BackoffOptions,
  type ResolvedBackoff,
} from './retry/backoff';
export { TokenBucket, type TokenBucketLimit } from './rate/token-bucket';
export { pollUntil, PollTimeoutError, type PollOptions } from './clock/poll';
export { runMain, type MainInput } from './process/run-main';
