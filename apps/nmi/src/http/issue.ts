// The shared middle of the token endpoints: pod → identity choice → token through the cache.
// Every decision that is not a token becomes an NmiError for the error table.
import { sameId } from '@pod-identity/domain';
import type { Logger } from '@pod-identity/platform';
import { NmiError } from '../errors';
import type { Choice } from '../identity/choose';
import type { IdentityInfo, PodInfo } from '../identity/model';
import type { Resolver } from '../identity/resolver';
import type { CacheResult } from '../tokens/cache';
import { unverifiedClaim } from '../tokens/token';
import type { TokenService } from '../tokens/token-service';
import type { TokenQuery } from './token-query';

export interface Issued {
  readonly identity: IdentityInfo;
  readonly result: CacheResult;
}

export const MULTIPLE_IDENTITIES_TEXT =
  'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request';

export async function issueToken(
  pod: PodInfo,
  query: TokenQuery,
  resolver: Resolver,
  tokens: TokenService,
  signal: AbortSignal,
): Promise<Issued> {
  const choice = await resolver.choose(pod, query.request, signal);
  switch (choice.kind) {
    case 'chosen':
      return { identity: choice.identity, result: await tokens.get(choice.identity, query.resource, pod) };
    case 'candidates':
      return byObjectId(choice.identities, query, tokens, pod);
    default:
      throw choiceError(choice, pod);
  }
}

/**
 * object_id names an identity by its service principal object id, which AzureIdentity does not carry.
 * The pod's own identities are asked for a token (cached, so this costs upstream calls once) and the
 * one whose token's `oid` claim matches is used. Tokens of identities the pod holds are the only ones
 * ever fetched, so this never widens access.
 */
async function byObjectId(
  identities: readonly IdentityInfo[],
  query: TokenQuery,
  tokens: TokenService,
  pod: PodInfo,
): Promise<Issued> {
  const objectId = query.request.by === 'objectId' ? query.request.value : '';
  for (const identity of identities) {
    const result = await tokens.get(identity, query.resource, pod);
    const oid = unverifiedClaim(result.set.tokens[0]?.accessToken ?? '', 'oid');
    if (sameId(oid, objectId)) return { identity, result };
  }
  throw new NmiError(
    'identity-not-found',
    `Identity not found: no identity of pod ${pod.namespace}/${pod.name} has that object_id`,
  );
}

export function choiceError(
  choice: Exclude<Choice, { kind: 'chosen' | 'candidates' }>,
  pod: PodInfo,
): NmiError {
  const who = `${pod.namespace}/${pod.name}`;
  switch (choice.kind) {
    case 'pending':
      return new NmiError(
        'assignment-pending',
        choice.reason === 'created'
          ? `the identity of pod ${who} is being assigned to this node; retry shortly`
          : `pod ${who} has not been processed by the identity controller yet; retry shortly`,
      );
    case 'ambiguous':
      return new NmiError('identity-ambiguous', MULTIPLE_IDENTITIES_TEXT);
    case 'not-found':
      return new NmiError('identity-not-found', `Identity not found: ${notFoundText(choice.reason, who)}`);
  }
}

function notFoundText(reason: string, who: string): string {
  if (reason === 'not-requested-identity') return `the requested identity is not assigned to pod ${who}`;
  if (reason === 'not-permitted')
    return `no identity of pod ${who} is permitted by its bindings and namespace`;
  return `no identity is bound to pod ${who}`;
}

export interface AuditFields {
  readonly route: string;
  readonly pod: PodInfo;
  readonly issued: Issued;
  readonly resource: string;
}

/** One audit line per token issued: who, which identity, which resource, cache outcome; never the token. */
export function auditTokenIssued(logger: Logger, fields: AuditFields): void {
  const { identity, result } = fields.issued;
  logger.info(
    {
      audit: 'token-issued',
      route: fields.route,
      pod: `${fields.pod.namespace}/${fields.pod.name}`,
      podUid: fields.pod.uid,
      identity: `${identity.namespace}/${identity.name}`,
      identityType: identity.spec.type,
      clientId: identity.spec.clientID,
      resource: fields.resource,
      cache: result.outcome,
      tokens: result.set.tokens.length,
    },
    'token issued',
  );
}
