// JSON logs on stdout through pino, with no transports (worker threads do not survive bundling).
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { REDACT_PATHS, REDACTED, scrubJsonLine, scrubText, scrubValue } from './redact';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** Default "info". */
  readonly level?: LogLevel;
  /** Component name, logged as "name" on every line (e.g. "mic", "nmi"). */
  readonly name: string;
  /** Where lines go; default stdout (fd 1, synchronous so nothing is lost on exit). Tests pass a stream. */
  readonly destination?: DestinationStream;
  /** Fields added to every line (e.g. { node }); scrubbed like everything else. */
  readonly base?: Record<string, unknown>;
}

/**
 * A pino logger whose every line is scrubbed twice: pino redaction paths for the usual places, then
 * a value-level pass over fields and messages (JWTs, Bearer/Basic credentials, access_token=...,
 * client_secret=..., secret-named keys at any depth, client ids shortened), and finally every
 * serialised line goes through scrubJsonLine (covers child bindings and anything else).
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = scrubbingStream(options.destination ?? pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { name: options.name, ...(scrubValue(options.base ?? {}) as Record<string, unknown>) },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrubValue(bindings) as Record<string, unknown>,
        log: (obj) => scrubValue(obj) as Record<string, unknown>,
      },
      serializers: {
        err: (err: unknown) => scrubValue(err),
        error: (err: unknown) => scrubValue(err),
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<
            typeof method
          >;
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

/** Parses a --log-level value; undefined when it is not a pino level. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const t = text.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(t) ? (t as LogLevel) : undefined;
}

/** Wraps a destination so each serialised line is scrubbed before it is written. */
function scrubbingStream(inner: DestinationStream): DestinationStream {
  return { write: (line: string): void => void inner.write(scrubJsonLine(line)) };
}
