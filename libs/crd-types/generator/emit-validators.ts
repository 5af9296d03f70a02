// Compiled (standalone) ajv validators. The apiserver prunes unknown fields; kubectl's strict field
// validation rejects them. Ours reject them too, so a typo is an error and not a silent loss.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { GENERATED_HEADER } from './constants';
import type { CrdSource, JsonSchema } from './source';

export const KUBERNETES_KEYWORDS = [
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
];

export function emitValidators(sources: CrdSource[]): string {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    code: { source: true, esm: false, lines: true },
    schemas: Object.fromEntries(sources.map((s) => [s.kind, closeObjects(s.schema, [])])),
  });
  ajv.addVocabulary(KUBERNETES_KEYWORDS);
  const mapping = Object.fromEntries(sources.map((s) => [`validate${s.kind}`, s.kind]));
  const code = standaloneCode(ajv, mapping);
  return `// ${GENERATED_HEADER.split('\n').join('\n// ')}\n/* eslint-disable */\n${code}\n`;
}

export function emitValidatorDeclarations(sources: CrdSource[]): string {
  const lines = sources.map((s) => `export declare const validate${s.kind}: CompiledValidator;`);
  return (
    `// ${GENERATED_HEADER.split('\n').join('\n// ')}\n` +
    `import type { CompiledValidator } from '../compiled-validator';\n\n${lines.join('\n')}\n`
  );
}

/** Adds additionalProperties: false wherever the apiserver would prune unknown fields. */
function closeObjects(node: JsonSchema, path: string[]): JsonSchema {
  // Formats (int32, date-time) are left to the apiserver: standalone code cannot embed format functions.
  const { format: _format, ...out }: JsonSchema = { ...node };
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, JsonSchema>).map(([k, v]) => [
        k,
        closeObjects(v, [...path, k]),
      ]),
    );
    const openMetadata = path.length === 1 && path[0] === 'metadata';
    if (
      !node['x-kubernetes-preserve-unknown-fields'] &&
      !openMetadata &&
      node.additionalProperties === undefined
    ) {
      out.additionalProperties = false;
    }
  }
  if (node.items) out.items = closeObjects(node.items as JsonSchema, [...path, '[]']);
  return out;
}
