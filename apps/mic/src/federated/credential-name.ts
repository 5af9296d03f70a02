// Name of a federated identity credential MIC creates: readable (namespace and ServiceAccount) and unique
// per (issuer, subject) through a hash, within Azure's rules (3-120 characters, letters, digits, '-' and
// '_', starting with a letter or digit). Pure.
import { createHash } from 'node:crypto';

const MAX_READABLE = 96;

export function federatedCredentialName(issuer: string, namespace: string, serviceAccount: string): string {
  const readable = `${namespace}-${serviceAccount}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_READABLE);
  const hash = createHash('sha256')
    .update(`${issuer}\n${namespace}\n${serviceAccount}`)
    .digest('hex')
    .slice(0, 10);
  return `podid-${readable}-${hash}`;
}
