// Evaluates the schemas' x-kubernetes-validations (CEL) rules in-process, with the same messages the
// apiserver returns, so a manifest can be checked before it is applied.
import { celEnv, plan, parse } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { JsonSchemaNode } from './schema-node';
import type { ValidationIssue } from './validation-issue';

type CelProgram = ReturnType<typeof plan>;

const env = celEnv({ funcs: strings });
const programs = new Map<string, CelProgram>();

function program(rule: string): CelProgram {
  let compiled = programs.get(rule);
  if (!compiled) {
    compiled = plan(env, parse(rule));
    programs.set(rule, compiled);
  }
  return compiled;
}

/** Walks value and schema together and reports every rule that does not hold. */
export function checkCelRules(schema: JsonSchemaNode, value: unknown, path = ''): ValidationIssue[] {
  if (value === undefined || value === null) return [];
  const issues: ValidationIssue[] = [];
  for (const { rule, message, fieldPath } of schema['x-kubernetes-validations'] ?? []) {
    const result = evaluate(rule, toCel(schema, value));
    if (result !== true) {
      const at = fieldPath ? `${path}${fieldPath}` : path;
      issues.push({ path: at.replace(/^\./, ''), message: message ?? `failed rule: ${rule}` });
    }
  }
  return issues.concat(checkChildren(schema, value, path));
}

function checkChildren(schema: JsonSchemaNode, value: unknown, path: string): ValidationIssue[] {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.flatMap((v, i) => checkCelRules(items, v, `${path}[${i}]`)) : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const issues: ValidationIssue[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? additional(schema);
    if (childSchema) issues.push(...checkCelRules(childSchema, child, `${path}.${key}`));
  }
  return issues;
}

function evaluate(rule: string, self: unknown): unknown {
  try {
    return program(rule)({ self: self as never });
  } catch (err) {
    return err;
  }
}

function additional(schema: JsonSchemaNode): JsonSchemaNode | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/** CEL sees schema integers as int (bigint) and objects as maps, as the apiserver does. */
function toCel(schema: JsonSchemaNode | undefined, value: unknown): unknown {
  if (schema?.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (Array.isArray(value)) return value.map((v) => toCel(schema?.items, v));
  if (typeof value === 'object' && value !== null) {
    return new Map(
      Object.entries(value).map(([k, v]) => [
        k,
        toCel(schema?.properties?.[k] ?? (schema ? additional(schema) : undefined), v),
      ]),
    );
  }
  return value;
}
