// Fault rules: which request (service, operation, resource, method) gets which misbehaviour, how often.
import { randomUUID } from 'node:crypto';

export type ServiceName = 'imds' | 'entra' | 'arm';

export interface FaultMatch {
  readonly service?: ServiceName;
  /** Operation name; `*` is a wildcard (e.g. "Microsoft.Compute/*write"). Case-insensitive. */
  readonly operation?: string;
  /** Case-insensitive substring of the resource id (or node key for IMDS, client id for Entra). */
  readonly resource?: string;
  readonly method?: string;
}

export type FaultAction =
  | { readonly type: 'latency'; readonly ms: number }
  | {
      readonly type: 'status';
      readonly status: number;
      readonly retryAfterSeconds?: number;
      readonly code?: string;
      readonly message?: string;
    }
  | { readonly type: 'throttle'; readonly retryAfterSeconds?: number }
  | { readonly type: 'drop' }
  | { readonly type: 'hang'; readonly ms?: number }
  | { readonly type: 'operation-failure'; readonly code?: string; readonly message?: string };

export interface FaultRuleInput {
  readonly match?: FaultMatch;
  readonly action: FaultAction;
  /** How many matching requests it applies to; absent = until removed. */
  readonly times?: number;
  /** Chance in [0,1] that a matching request is affected (default 1). */
  readonly probability?: number;
}

export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  /** Requests it has affected so far. */
  hits: number;
}

export interface FaultContext {
  readonly service: ServiceName;
  readonly operation: string;
  readonly resource?: string;
  readonly method: string;
}

const ACTION_TYPES = new Set(['latency', 'status', 'throttle', 'drop', 'hang', 'operation-failure']);

export function validateFaultRule(input: unknown): FaultRuleInput {
  const rule = input as FaultRuleInput;
  if (typeof rule !== 'object' || rule === null || typeof rule.action !== 'object' || rule.action === null) {
    throw new Error('a fault rule needs an "action" object');
  }
  if (!ACTION_TYPES.has(rule.action.type)) {
    throw new Error(
      `unknown fault action type "${String(rule.action.type)}" (use ${[...ACTION_TYPES].join(', ')})`,
    );
  }
  if (rule.action.type === 'status' && !(rule.action.status >= 400 && rule.action.status <= 599)) {
    throw new Error('a "status" fault needs a status between 400 and 599');
  }
  return rule;
}

function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i').test(value);
}

export function ruleMatches(match: FaultMatch | undefined, ctx: FaultContext): boolean {
  if (!match) return true;
  if (match.service && match.service !== ctx.service) return false;
  if (match.method && match.method.toUpperCase() !== ctx.method.toUpperCase()) return false;
  if (match.operation && !globMatches(match.operation, ctx.operation)) return false;
  if (match.resource && !(ctx.resource ?? '').toLowerCase().includes(match.resource.toLowerCase()))
    return false;
  return true;
}

export class FaultRules {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(input: unknown): FaultRule {
    const rule: FaultRule = { ...validateFaultRule(input), id: randomUUID(), hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /**
   * The actions for one request, consuming a use of each rule that fires. `operation-failure` rules
   * only fire in the "operation" phase (when a long-running operation is created), all others in "request".
   */
  take(ctx: FaultContext, phase: 'request' | 'operation' = 'request'): FaultAction[] {
    const fired: FaultAction[] = [];
    for (const rule of this.rules) {
      const isOperationRule = rule.action.type === 'operation-failure';
      if (isOperationRule !== (phase === 'operation')) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (!ruleMatches(rule.match, ctx)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits += 1;
      fired.push(rule.action);
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.hits < r.times);
    return fired;
  }
}
