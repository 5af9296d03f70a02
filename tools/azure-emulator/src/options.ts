// Runtime knobs for realism and faults; all can be changed while running (control API PATCH /options).
import type { LimitOverrides } from './faults/crp-limits';

export interface EmulatorRuntimeOptions {
  /** Multiplies every duration below (0.01 turns a 40 s VMSS update into 400 ms). */
  timeScale: number;
  /** Duration of a write's long-running operation, per resource kind, in ms before timeScale. */
  operationDurationMs: { vm: number; vmss: number };
  /** 'async': 200 + Azure-AsyncOperation header (as Compute does); 'sync': final body, no LRO headers. */
  lroMode: 'async' | 'sync';
  /** Retry-After (s) sent on polls of an operation still in progress; 0 = none (SDK default interval). */
  pollRetryAfterSeconds: number;
  /** Answer 409 Conflict to a write on a VM/VMSS while an operation on it is in flight. */
  conflictOnConcurrentWrite: boolean;
  /** Only principals with an assign-capable role on the identity's scope may assign it (else 403). */
  enforceAssignPermission: boolean;
  throttling: { enforce: boolean; limits?: LimitOverrides };
  imds: {
    /** How long after an assignment IMDS starts serving the identity (ms, before timeScale). */
    propagationDelayMs: number;
    /** What IMDS answers meanwhile: 400 "Identity not found" or 404 (which the SDK retries). */
    propagationStatus: 400 | 404;
    /** Enforce the per-VM managed identity limits (20 requests/s, 5 concurrent). */
    enforceLimits: boolean;
    requestsPerSecond: number;
    maxConcurrent: number;
  };
  tokenLifetimeSeconds: { entra: number; imds: number };
  /** Page size of list operations (nextLink beyond it). */
  pageSize: number;
}

export function defaultRuntimeOptions(): EmulatorRuntimeOptions {
  return {
    timeScale: 1,
    operationDurationMs: { vm: 0, vmss: 0 },
    lroMode: 'async',
    pollRetryAfterSeconds: 1,
    conflictOnConcurrentWrite: true,
    enforceAssignPermission: true,
    throttling: { enforce: false },
    imds: {
      propagationDelayMs: 0,
      propagationStatus: 400,
      enforceLimits: false,
      requestsPerSecond: 20,
      maxConcurrent: 5,
    },
    tokenLifetimeSeconds: { entra: 3599, imds: 86399 },
    pageSize: 100,
  };
}

/** Azure-like timings and limits: slow identity updates, throttling and IMDS limits on. */
export function realisticRuntimeOptions(timeScale = 1): EmulatorRuntimeOptions {
  const base = defaultRuntimeOptions();
  return {
    ...base,
    timeScale,
    operationDurationMs: { vm: 15_000, vmss: 40_000 },
    throttling: { enforce: true },
    imds: { ...base.imds, propagationDelayMs: 10_000, enforceLimits: true },
  };
}

type Patch<T> = { [K in keyof T]?: T[K] extends object ? Patch<T[K]> : T[K] };
export type RuntimeOptionsPatch = Patch<EmulatorRuntimeOptions>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges a patch; unknown keys are rejected so typos do not silently do nothing. */
export function mergeRuntimeOptions(base: EmulatorRuntimeOptions, patch: unknown): EmulatorRuntimeOptions {
  return mergeInto(
    base as unknown as Record<string, unknown>,
    patch,
    'options',
  ) as unknown as EmulatorRuntimeOptions;
}

function mergeInto(base: Record<string, unknown>, patch: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(patch)) throw new Error(`${path} must be an object`);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // Free-form maps (throttling limits) merge without key checks.
    const freeForm = key === 'limits';
    if (!(key in base) && !freeForm) throw new Error(`unknown option ${path}.${key}`);
    out[key] =
      isPlainObject(value) && isPlainObject(base[key]) && !freeForm
        ? mergeInto(base[key] as Record<string, unknown>, value, `${path}.${key}`)
        : value;
  }
  return out;
}
