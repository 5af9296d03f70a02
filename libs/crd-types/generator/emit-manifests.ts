// CRD manifests (apiextensions.k8s.io/v1) for deploy/base/crds.
import { stringify } from 'yaml';
import { GENERATED_HEADER, GROUP, VERSION } from './constants';
import type { CrdSource } from './source';

export function crdFileName(source: CrdSource): string {
  return `${GROUP}_${source.plural}.yaml`;
}

export function emitCrdManifest(source: CrdSource): string {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${source.plural}.${GROUP}`,
      annotations: { 'api-approved.kubernetes.io': 'unapproved' },
      labels: { 'app.kubernetes.io/part-of': 'pod-identity' },
    },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: source.kind,
        listKind: source.listKind,
        plural: source.plural,
        singular: source.singular,
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          additionalPrinterColumns: source.printerColumns,
          schema: { openAPIV3Schema: source.schema },
        },
      ],
    },
  };
  return `${commentLines(GENERATED_HEADER)}\n${stringify(crd, { lineWidth: 0 })}`;
}

export function emitKustomization(sources: CrdSource[]): string {
  const doc = { resources: sources.map(crdFileName) };
  return `${commentLines(GENERATED_HEADER)}\n${stringify(doc)}`;
}

function commentLines(text: string): string {
  return text
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n');
}
