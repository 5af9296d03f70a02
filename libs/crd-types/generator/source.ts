// Reads the schema files, the single source of truth of the CRDs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
}

export interface CrdSource {
  file: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  printerColumns: PrinterColumn[];
  schema: JsonSchema;
}

/** A JSON/OpenAPI schema node, kept loose on purpose: the generator only walks it. */
export type JsonSchema = { [key: string]: unknown };

export function loadCrdSources(schemaDir: string): CrdSource[] {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const doc = parse(readFileSync(join(schemaDir, file), 'utf8')) as {
        crd: Omit<CrdSource, 'file' | 'schema'>;
        openAPIV3Schema: JsonSchema;
      };
      if (!doc?.crd?.kind || !doc.openAPIV3Schema) {
        throw new Error(`${file}: expected top-level keys "crd" (with kind) and "openAPIV3Schema"`);
      }
      return { file, ...doc.crd, schema: doc.openAPIV3Schema };
    });
}
