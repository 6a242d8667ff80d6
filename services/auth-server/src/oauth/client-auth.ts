import { OAuthError } from './oauth-error.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface PresentedClient {
  clientId: string;
  secret: string | undefined;
  method: ClientAuthMethod;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** RFC 6749 Appendix B: id and secret are form-encoded before being joined for Basic. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'malformed client credentials', { headers: { 'www-authenticate': 'Basic realm="nimbus"' } });
  }
}

/**
 * Which client the request claims to be, and how it proves it (RFC 6749
 * §2.3.1): HTTP Basic, or client_id + client_secret in the body, or a bare
 * client_id for public clients. Using two methods at once is refused.
 */
export function presentedClient(authorization: string | undefined, body: Record<string, string | undefined>): PresentedClient {
  const bodyId = body['client_id'];
  const bodySecret = body['client_secret'];
  if (authorization !== undefined) {
    const [scheme, value, ...rest] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'basic' || !value || rest.length > 0 || !BASE64.test(value)) {
      throw new OAuthError('invalid_client', 'unsupported or malformed Authorization header', { headers: { 'www-authenticate': 'Basic realm="nimbus"' } });
    }
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new OAuthError('invalid_client', 'malformed Basic credentials', { headers: { 'www-authenticate': 'Basic realm="nimbus"' } });
    const clientId = formDecode(decoded.slice(0, colon));
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method, not both Basic and client_secret');
    if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_request', 'client_id in the body does not match the Basic credentials');
    return { clientId, secret: formDecode(decoded.slice(colon + 1)), method: 'client_secret_basic' };
  }
  if (bodyId === undefined) throw new OAuthError('invalid_client', 'client authentication is required');
  if (bodySecret !== undefined) return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
  return { clientId: bodyId, secret: undefined, method: 'none' };
}
