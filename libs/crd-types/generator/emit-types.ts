// TypeScript declarations for the CRD objects, from the same schemas.
import { compile } from 'json-schema-to-typescript';
import { GENERATED_HEADER, GROUP, VERSION } from './constants';
import type { CrdSource, JsonSchema } from './source';

const EMBEDDED_TYPES: Record<string, string> = {
  azureIdentityRef: 'AzureIdentity',
  azureBindingRef: 'AzureIdentityBinding',
};

export async function emitTypes(sources: CrdSource[]): Promise<string> {
  const parts: string[] = [];
  for (const source of sources) {
    const schema = toTypeSchema(source.schema, source.kind, []);
    parts.push(
      await compile(schema as never, source.kind, {
        bannerComment: '',
        additionalProperties: false,
        declareExternallyReferenced: true,
        unreachableDefinitions: false,
        strictIndexSignatures: true,
        format: true,
        style: { singleQuote: true, printWidth: 110 },
      }),
    );
  }
  const header = `/*\n * ${GENERATED_HEADER.split('\n').join('\n * ')}\n */\n`;
  const imports = "import type { ObjectMeta } from '../object-meta';\n";
  return `${header}${imports}\n${parts.join('\n')}`;
}

/** Turns a Kubernetes structural schema into one json-schema-to-typescript understands. */
function toTypeSchema(node: JsonSchema, kind: string, path: string[]): JsonSchema {
  const replacement = replacedType(node, kind, path);
  if (replacement) return replacement;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format') continue;
    out[key] = convertKeyword(key, value, kind, path);
  }
  if (node.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  const title = titleFor(kind, path);
  if (title) out.title = title;
  return out;
}

/** Nodes that become a named TypeScript type instead of a generated interface. */
function replacedType(node: JsonSchema, kind: string, path: string[]): JsonSchema | undefined {
  const name = path[path.length - 1];
  if (name && EMBEDDED_TYPES[name]) {
    return withDoc(node, { tsType: node.nullable ? `${EMBEDDED_TYPES[name]} | null` : EMBEDDED_TYPES[name] });
  }
  if (path.length === 1 && name === 'metadata') return withDoc(node, { tsType: 'ObjectMeta' });
  // Literal types, so a consumer can narrow a union of objects on kind (see src/guards.ts).
  if (path.length === 1 && name === 'apiVersion') return { tsType: `'${GROUP}/${VERSION}'` };
  if (path.length === 1 && name === 'kind') return { tsType: `'${kind}'` };
  if (node['x-kubernetes-preserve-unknown-fields'])
    return withDoc(node, { tsType: '{ [key: string]: unknown }' });
  return undefined;
}

function convertKeyword(key: string, value: unknown, kind: string, path: string[]): unknown {
  if (key === 'properties') {
    return Object.fromEntries(
      Object.entries(value as Record<string, JsonSchema>).map(([prop, child]) => [
        prop,
        toTypeSchema(child, kind, [...path, prop]),
      ]),
    );
  }
  if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object') {
    return toTypeSchema(value as JsonSchema, kind, [...path, key]);
  }
  return value;
}

function titleFor(kind: string, path: string[]): string | undefined {
  const name = path[path.length - 1];
  if (path.length === 1 && (name === 'spec' || name === 'status')) return `${kind}${capitalise(name)}`;
  if (name === 'clientPassword') return 'SecretReference';
  if (name === 'ClientPassword') return 'LegacySecretReference';
  return undefined;
}

function withDoc(node: JsonSchema, extra: JsonSchema): JsonSchema {
  return node.description ? { description: node.description, ...extra } : extra;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
