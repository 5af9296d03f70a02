// One readable line per request, for the CLI and for test logs.
import type { RequestLogEntry } from './http/types';

const SERVICE = { imds: 'IMDS ', entra: 'ENTRA', arm: 'ARM  ' } as const;

export function formatRequestLine(e: RequestLogEntry): string {
  const time = e.time.slice(11, 23);
  const status = e.status === 0 ? '---' : String(e.status);
  const fault = e.fault ? ` [fault: ${e.fault}]` : '';
  const resource = e.resource ? ` ${e.resource}` : '';
  return `${time} ${SERVICE[e.service]} ${e.method.padEnd(6)} ${status} ${String(e.durationMs).padStart(5)}ms ${e.operation}${resource}${fault}`;
}
