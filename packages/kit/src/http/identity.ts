import { FORBIDDEN, UNAUTHENTICATED } from '../errors/catalogue.js';
import type { FastifyRequest } from 'fastify';

// The gateway verifies the JWT and sets these headers, stripping any a client sent.
// This service therefore trusts them, and must only be reachable through the
// gateway or from the service network, never directly from outside.

export interface Identity {
  userId: string;
  roles: ReadonlySet<string>;
  scopes: ReadonlySet<string>;
}

const list = (header: string | string[] | undefined, sep: RegExp): Set<string> =>
  new Set((Array.isArray(header) ? header.join(',') : (header ?? '')).split(sep).map((s) => s.trim()).filter(Boolean));

/** The caller's identity from the gateway's headers, or undefined when anonymous. */
export function identityOf(request: FastifyRequest): Identity | undefined {
  const id = request.headers['x-user-id'];
  const userId = (Array.isArray(id) ? id[0] : id)?.trim();
  if (!userId) return undefined;
  return { userId, roles: list(request.headers['x-user-roles'], /,/), scopes: list(request.headers['x-user-scopes'], /[,\s]+/) };
}

export function isAdmin(request: FastifyRequest): boolean {
  return identityOf(request)?.roles.has('admin') ?? false;
}

/** preHandler: 401 without an identity, 403 without the admin role. */
export async function requireAdmin(request: FastifyRequest): Promise<void> {
  const who = identityOf(request);
  if (!who) throw UNAUTHENTICATED('no x-user-id: call through the gateway with a bearer token');
  if (!who.roles.has('admin')) throw FORBIDDEN('the admin role is required');
}

/** preHandler factory: 401 without an identity, 403 unless it has `role` or one of `scopes` (service-to-service callers carry scopes). */
export function requireRoleOrScope(role: string, ...scopes: string[]): (request: FastifyRequest) => Promise<void> {
  return async function requireRoleOrScopeHandler(request) {
    const who = identityOf(request);
    if (!who) throw UNAUTHENTICATED('no x-user-id: call through the gateway or the service network with a token');
    if (!who.roles.has(role) && !scopes.some((s) => who.scopes.has(s))) {
      throw FORBIDDEN(`the ${role} role${scopes.length ? ` or the ${scopes.join(' or ')} scope` : ''} is required`);
    }
  };
}
