// Shape checks for seed documents: a bad seed fails with every problem listed, not a crash later.
import type { SeedDocument } from './seed-types';

export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid seed: ${problems.join('; ')}`);
    this.name = 'SeedError';
  }
}

type Entry = Record<string, unknown>;

const REQUIRED: Record<string, string[]> = {
  tenants: ['id'],
  subscriptions: ['id'],
  userAssignedIdentities: ['subscription', 'resourceGroup', 'name'],
  servicePrincipals: ['clientId'],
  roleAssignments: ['principal', 'scope'],
  virtualMachines: ['subscription', 'resourceGroup', 'name'],
  virtualMachineScaleSets: ['subscription', 'resourceGroup', 'name'],
  oidcIssuers: ['issuer', 'jwks'],
};

/** Throws SeedError listing every missing field / wrong type; returns the document typed. */
export function checkSeed(doc: unknown): SeedDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SeedError(['the seed must be an object']);
  }
  const problems: string[] = [];
  for (const [section, fields] of Object.entries(REQUIRED)) {
    const list = (doc as Entry)[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${section} must be a list`);
      continue;
    }
    list.forEach((entry: unknown, index) =>
      problems.push(...checkEntry(entry, fields, `${section}[${index}]`)),
    );
  }
  if (problems.length > 0) throw new SeedError(problems);
  return doc as SeedDocument;
}

function checkEntry(entry: unknown, fields: string[], where: string): string[] {
  if (typeof entry !== 'object' || entry === null) return [`${where} must be an object`];
  const problems: string[] = [];
  for (const field of fields) {
    const value = (entry as Entry)[field];
    if (field === 'jwks') {
      if (typeof value !== 'object' || value === null) problems.push(`${where}.jwks must be an object`);
    } else if (typeof value !== 'string' || value === '') {
      problems.push(`${where}.${field} must be a non-empty string`);
    }
  }
  return problems;
}
