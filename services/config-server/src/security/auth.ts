import type { FastifyReply, FastifyRequest } from 'fastify';
import { UNAUTHENTICATED } from '@nimbus/kit';
import { parseBasic, parseBearer, safeEqual } from './credentials.js';

/**
 * Checks a Bearer token (the auth server's access tokens, once it exists).
 * Resolves with who the caller is, or undefined to refuse.
 */
export type BearerVerifier = (token: string, request: FastifyRequest) => Promise<{ subject: string } | undefined>;

export interface AuthOptions {
  enabled: boolean;
  /** Paths anyone may call besides /health/* (the Prometheus scrape path). */
  publicPaths: readonly string[];
  username: string;
  password: string;
  /** Present when Bearer tokens are accepted. */
  verifyBearer?: BearerVerifier;
}

/** Probes and scrapes must work without credentials. */
const isPublic = (path: string, opts: AuthOptions) => path === '/health' || path.startsWith('/health/') || opts.publicPaths.includes(path);

/**
 * Answers whether a request carries valid credentials: HTTP basic with the
 * configured user, or a Bearer token the verifier accepts.
 */
export async function authenticate(request: FastifyRequest, opts: AuthOptions): Promise<boolean> {
  if (!opts.enabled) return true;
  const header = request.headers.authorization;
  const basic = parseBasic(header);
  if (basic) {
    // Both compared, always: no early exit telling which one was wrong.
    const user = safeEqual(basic.username, opts.username);
    const pass = safeEqual(basic.password, opts.password);
    return user && pass;
  }
  const bearer = parseBearer(header);
  if (bearer && opts.verifyBearer) return (await opts.verifyBearer(bearer, request).catch(() => undefined)) !== undefined;
  return false;
}

export function challenge(opts: AuthOptions): string {
  return opts.verifyBearer ? 'Basic realm="nimbus-config", Bearer' : 'Basic realm="nimbus-config"';
}

/** onRequest hook for every route but /health/* and /monitor (which also takes webhook signatures, checked once the body is read). */
export function authHook(opts: AuthOptions) {
  return async function requireCredentials(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const path = request.url.split('?')[0] ?? '';
    if (!opts.enabled || isPublic(path, opts) || path === '/monitor') return;
    if (!(await authenticate(request, opts))) throw UNAUTHENTICATED({ headers: { 'www-authenticate': challenge(opts) } });
  };
}
