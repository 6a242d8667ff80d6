import type { FastifyRequest } from 'fastify';
import type { AuthServices } from '../context.js';
import { ACCOUNT_DISABLED, ROLE_REQUIRED, TOKEN_INVALID, USER_TOKEN_REQUIRED } from '../errors.js';
import type { AccessClaims } from '../tokens/verifier.js';
import type { UserRecord } from '../store/users.js';

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  return match?.[1];
}

export interface Caller {
  claims: AccessClaims;
  user: UserRecord;
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="nimbus", error="invalid_token"' };

/**
 * The user behind the request's access token, for the JSON API. The user
 * is read from MySQL, so a disabled account or a changed role counts now,
 * not when the token expires.
 */
export async function requireUser(s: AuthServices, request: FastifyRequest): Promise<Caller> {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw TOKEN_INVALID({ detail: 'send Authorization: Bearer <access token>', headers: { 'www-authenticate': 'Bearer realm="nimbus"' } });
  const result = await s.verifier.verify(token);
  if (!result.ok) throw TOKEN_INVALID({ headers: CHALLENGE });
  const user = await s.users.findById(result.claims.sub);
  if (!user) throw USER_TOKEN_REQUIRED();
  if (user.status !== 'active') throw ACCOUNT_DISABLED();
  return { claims: result.claims, user };
}

/** Like requireUser, and the user must hold `admin` now (not merely when the token was issued). */
export async function requireAdmin(s: AuthServices, request: FastifyRequest): Promise<Caller> {
  const caller = await requireUser(s, request);
  if (!caller.user.roles.includes('admin')) throw ROLE_REQUIRED('admin');
  return caller;
}
