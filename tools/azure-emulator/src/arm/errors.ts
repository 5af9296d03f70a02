// ARM error bodies, worded as ARM / Compute / ManagedIdentity word them (see azure-wire.md §4.5).

export interface ArmFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>[];
  readonly headers?: Record<string, string>;
}

export function armErrorBody(failure: ArmFailure): { error: Record<string, unknown> } {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.details ? { details: failure.details } : {}),
    },
  };
}

const fail = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): ArmFailure => ({
  status,
  code,
  message,
  ...(headers ? { headers } : {}),
});

const AUTH_HEADER = (description: string): Record<string, string> => ({
  'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${description}"`,
});

export const armErrors = {
  missingApiVersion: (): ArmFailure =>
    fail(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  missingAuthorization: (): ArmFailure =>
    fail(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      AUTH_HEADER("The authentication failed because of missing 'Authorization' header."),
    ),
  invalidToken: (why: string): ArmFailure =>
    fail(
      401,
      'InvalidAuthenticationToken',
      `The access token is invalid. ${why}`.trim(),
      AUTH_HEADER('The access token is invalid.'),
    ),
  expiredToken: (expiry: Date, now: Date): ArmFailure =>
    fail(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${expiry.toUTCString()}' is earlier than current UTC time '${now.toUTCString()}'.`,
      AUTH_HEADER('The access token expiry UTC time is earlier than current UTC time.'),
    ),
  wrongAudience: (audience: string, allowed: string[]): ArmFailure =>
    fail(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
      AUTH_HEADER('The access token has been obtained for wrong audience or resource.'),
    ),
  wrongTenant: (tenant: string, subscriptionId: string): ArmFailure =>
    fail(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${tenant}'. It must match the tenant associated with this subscription '${subscriptionId}'. Please use the authority (URL) that belongs to that tenant to obtain the token.`,
    ),
  subscriptionNotFound: (sub: string): ArmFailure =>
    fail(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`),
  resourceGroupNotFound: (rg: string): ArmFailure =>
    fail(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`),
  resourceNotFound: (type: string, name: string, rg: string): ArmFailure =>
    fail(
      404,
      'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  notFoundPath: (path: string): ArmFailure => fail(404, 'NotFound', `No route registered for '${path}'.`),
  methodNotAllowed: (method: string): ArmFailure =>
    fail(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
  invalidContent: (why: string): ArmFailure =>
    fail(
      400,
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: '${why}'.`,
    ),
  invalidParameter: (message: string, target?: string): ArmFailure => ({
    ...fail(400, 'InvalidParameter', message),
    ...(target ? { details: [{ code: 'InvalidParameter', target, message }] } : {}),
  }),
  ficIssuerSubjectTaken: (): ArmFailure =>
    fail(400, 'BadRequest', 'Issuer and subject combination already exists for this Managed Identity.'),
  // Azure documents the limit (20 per identity); the code and wording of the refusal are a guess.
  ficLimit: (identityId: string, limit: number): ArmFailure =>
    fail(
      400,
      'BadRequest',
      `Too many Federated Identity Credentials for the managed identity '${identityId.toLowerCase()}'. A managed identity can have at most ${limit} Federated Identity Credentials.`,
    ),
  missingIdentityIds: (): ArmFailure =>
    fail(
      400,
      'MissingIdentityIds',
      "The identity ids must not be null or empty for 'UserAssigned' identity type.",
    ),
  tooManyIdentities: (count: number, limit: number): ArmFailure =>
    fail(
      400,
      'BadRequest',
      `User Assigned Identities Number '${count}' Assign exceed limit '${limit}' in one request.`,
    ),
  linkedAuthorizationFailed: (
    clientId: string,
    objectId: string,
    action: string,
    scope: string,
    linked: string[],
  ): ArmFailure =>
    fail(
      403,
      'LinkedAuthorizationFailed',
      `The client '${clientId}' with object id '${objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${linked.join(',')}' or the linked scope(s) are invalid.`,
    ),
  failedIdentityOperation: (resourceId: string, missing: string[]): ArmFailure => {
    const inner = JSON.stringify({
      error: {
        code: 'BadRequest',
        message: `Resource '${missing.join(',')}' was not found.`,
      },
    });
    return fail(
      400,
      'FailedIdentityOperation',
      `Identity operation for resource '${resourceId}' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'. Response: '${inner}'.'.`,
    );
  },
  conflict: (): ArmFailure =>
    fail(
      409,
      'Conflict',
      'The request failed due to conflict with a concurrent request. To resolve it, please refer to https://aka.ms/activitylog to get more details on the conflicting requests.',
    ),
  markedForDeletion: (kind: string, name: string): ArmFailure =>
    fail(
      409,
      'OperationNotAllowed',
      `Operation 'Update ${kind}' is not allowed on ${kind} '${name}' since it is marked for deletion.`,
    ),
  preconditionFailed: (): ArmFailure =>
    fail(412, 'PreconditionFailed', 'The condition specified using HTTP conditional header(s) is not met.'),
  internal: (): ArmFailure =>
    fail(500, 'InternalServerError', 'An internal server error occurred. Please try again later.'),
};
