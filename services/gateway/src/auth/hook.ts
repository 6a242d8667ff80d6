import type { FastifyRequest } from 'fastify';
import { DEPENDENCY_UNAVAILABLE, FORBIDDEN, UNAUTHENTICATED } from '@nimbus/kit';
import type { RouteSettings } from '../settings.js';
import { decide, type Identity } from './rules.js';
import { bearerToken, type Verifier } from './verifier.js';

const challenge = (error?: string, description?: string) =>
  error ? `Bearer realm="nimbus", error="${error}", error_description="${description ?? ''}"` : 'Bearer realm="nimbus"';

/**
 * Authenticates and authorizes a request for its route. Returns the
 * verified identity (undefined for anonymous calls to public routes);
 * throws UNAUTHENTICATED (401, WWW-Authenticate: Bearer) or FORBIDDEN (403).
 * On a public route a bad token is ignored: the upstream decides.
 */
export async function authorize(request: FastifyRequest, route: RouteSettings, verifier: Verifier): Promise<Identity | undefined> {
  const header = request.headers.authorization;
  const token = bearerToken(header);
  let identity: Identity | undefined;
  let failure: string | undefined;
  if (token) {
    const result = await verifier.verify(token);
    if (result.ok) identity = result.identity;
    else if (result.unavailable && route.auth !== 'public') throw DEPENDENCY_UNAVAILABLE({ detail: 'access tokens cannot be verified right now', headers: { 'retry-after': '5' } });
    else failure = result.reason;
  } else if (header && route.auth !== 'public') {
    failure = 'the Authorization header is not a Bearer token';
  }
  if (route.auth === 'public') return identity;
  if (failure) throw UNAUTHENTICATED({ detail: failure, headers: { 'www-authenticate': challenge('invalid_token', failure) } });
  const decision = decide(route, request.method, identity);
  if (decision.allow) return identity;
  if (decision.status === 401) throw UNAUTHENTICATED({ detail: decision.reason, headers: { 'www-authenticate': challenge() } });
  throw FORBIDDEN({ detail: decision.reason, headers: { 'www-authenticate': challenge('insufficient_scope', decision.reason) } });
}
