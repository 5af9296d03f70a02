// Checks every metadata route applies before its handler runs.
import type { IncomingMessage } from 'node:http';
import { NmiError } from '../errors';

export const METADATA_HEADER_TEXT = 'Required metadata header not specified';

export function requireShortUrl(url: string, maxUrlLength: number): void {
  if (url.length > maxUrlLength) throw new NmiError('bad-query', 'request URL too long');
}

export function requireMetadataHeader(required: boolean, req: IncomingMessage): void {
  if (required && req.headers.metadata !== 'true')
    throw new NmiError('metadata-header-missing', METADATA_HEADER_TEXT);
}

/** IMDS refuses requests that carry X-Forwarded-For (an SSRF signal); so does NMI. */
export function rejectForwarded(req: IncomingMessage): void {
  if (req.headers['x-forwarded-for'] !== undefined) {
    throw new NmiError('forwarded-request', 'Requests with an X-Forwarded-For header are not accepted');
  }
}
