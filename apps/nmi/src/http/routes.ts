// Route classification, pure: the raw request target → which handler answers. Kept out of express's
// router so the path rules (case, trailing slash, path tricks) are one table-tested function.
//
//  token       /metadata/identity/oauth2/token[/]        ("metadata" in any case; the rest exact)
//  invalid     any other spelling of …identity…oauth2…token (any case, anywhere in the path),
//              backslashes, NUL, ';' path parameters, dot segments (raw or %-decoded): 400, never
//              forwarded. Servers that strip ';' parameters (RFC 3986) would otherwise turn
//              /metadata;/identity/oauth2/token into the VM's own token endpoint.
//  host-token  /host/token[/]
//  blocked     /metadata/instance… (any case) when instance metadata is blocked
//  proxy       everything else, forwarded to the node's IMDS

export type Route = 'token' | 'invalid' | 'host-token' | 'blocked' | 'proxy';

export interface RouteOptions {
  readonly blockInstanceMetadata: boolean;
}

export interface ClassifiedRequest {
  readonly route: Route;
  /** Path with repeated slashes collapsed (what the proxy forwards). */
  readonly path: string;
  /** Raw query string without the "?" ('' when none). */
  readonly query: string;
}

const TOKEN_REST = /^identity\/oauth2\/token\/?$/;
const TOKEN_LIKE = /identity.*oauth2.*token/i;
const TRICKS = /\\|%00|;/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export function classifyRequest(target: string, options: RouteOptions): ClassifiedRequest {
  const { path: rawPath, query } = splitTarget(target);
  const path = rawPath.replace(/\/{2,}/g, '/');
  return { route: classifyPath(rawPath, path, options), path, query };
}

function hasTricks(rawPath: string, decoded: string | undefined): boolean {
  if (!rawPath.startsWith('/') || TRICKS.test(rawPath) || decoded === undefined) return true;
  return decoded.includes(String.fromCharCode(0)) || TRICKS.test(decoded) || DOT_SEGMENT.test(decoded);
}

function classifyPath(rawPath: string, path: string, options: RouteOptions): Route {
  // Upstream servers may decode %xx: every rule below also looks at the decoded path.
  const decoded = safeDecode(path);
  if (decoded === undefined || hasTricks(rawPath, decoded)) return 'invalid';
  const [, first = '', ...rest] = path.split('/');
  if (first.toLowerCase() === 'metadata' && TOKEN_REST.test(rest.join('/'))) return 'token';
  if (TOKEN_LIKE.test(decoded)) return 'invalid';
  if (path === '/host/token' || path === '/host/token/') return 'host-token';
  if (options.blockInstanceMetadata && INSTANCE.test(decoded.replace(/\/{2,}/g, '/'))) return 'blocked';
  return 'proxy';
}

const INSTANCE = /^\/metadata\/instance(\/|$)/i;

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
