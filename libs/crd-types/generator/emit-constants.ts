// Constants module: names and keys other code must not spell by hand.
import {
  ASSIGNED_IDENTITY_FINALIZER,
  BINDING_LABEL,
  GENERATED_HEADER,
  GROUP,
  NAMESPACED_BEHAVIOR_ANNOTATION,
  NODENAME_LABEL,
  VERSION,
} from './constants';
import type { CrdSource } from './source';

export function emitConstants(sources: CrdSource[]): string {
  const lines = [
    `export const GROUP = ${q(GROUP)};`,
    `export const VERSION = ${q(VERSION)};`,
    `export const API_VERSION = ${q(`${GROUP}/${VERSION}`)};`,
    `/** Pod label whose value selects AzureIdentityBindings (exact match with spec.selector). */`,
    `export const BINDING_LABEL = ${q(BINDING_LABEL)};`,
    `/** Label on AzureAssignedIdentity naming the pod's node; NMI filters on it. */`,
    `export const NODENAME_LABEL = ${q(NODENAME_LABEL)};`,
    `export const ASSIGNED_IDENTITY_FINALIZER = ${q(ASSIGNED_IDENTITY_FINALIZER)};`,
    `/** Annotation on AzureIdentity; value "namespaced" confines it to its own namespace. */`,
    `export const NAMESPACED_BEHAVIOR_ANNOTATION = ${q(NAMESPACED_BEHAVIOR_ANNOTATION)};`,
    `export const NAMESPACED_BEHAVIOR_VALUE = 'namespaced';`,
    '',
    `export const KINDS = {`,
    ...sources.map((s) => `  ${s.kind}: ${q(s.kind)},`),
    `} as const;`,
    `export type Kind = (typeof KINDS)[keyof typeof KINDS];`,
    '',
    `export const PLURALS = {`,
    ...sources.map((s) => `  ${s.kind}: ${q(s.plural)},`),
    `} as const;`,
    '',
    `export const LIST_KINDS = {`,
    ...sources.map((s) => `  ${s.kind}: ${q(s.listKind)},`),
    `} as const;`,
  ];
  return `// ${GENERATED_HEADER.split('\n').join('\n// ')}\n\n${lines.join('\n')}\n`;
}

export function emitSchemas(sources: CrdSource[]): string {
  const entries = sources.map(
    (s) => `  ${s.kind}: ${JSON.stringify(s.schema, null, 2).replace(/\n/g, '\n  ')},`,
  );
  return (
    `// ${GENERATED_HEADER.split('\n').join('\n// ')}\n` +
    `import type { JsonSchemaNode } from '../schema-node';\n\n` +
    `/** The OpenAPI v3 schema of each kind, as served by the CRDs. */\n` +
    `export const SCHEMAS: Record<string, JsonSchemaNode> = {\n${entries.join('\n')}\n};\n`
  );
}

function q(s: string): string {
  return `'${s}'`;
}
