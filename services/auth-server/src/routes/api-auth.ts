import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../context.js';
import { accountStatus } from '../domain/accounts.js';
import { grantScopes } from '../domain/scopes.js';
import { sha256Hex } from '../crypto/opaque-tokens.js';
import { ACCOUNT_DISABLED, ACCOUNT_LOCKED, INVALID_CREDENTIALS } from '../errors.js';
import { VALIDATION_FAILED } from '@nimbus/kit';
import type { UserRecord } from '../store/users.js';
import { requireUser } from './bearer.js';
import { noStore } from './oauth-scope.js';
import { LoginBody, LogoutBody, problemResponses, RegisterBody, routeSchema, TokenResponse, UserView } from './schemas.js';

export function userView(user: UserRecord, now = new Date()): UserView {
  return {
    id: user.id,
    email: user.email,
    roles: user.roles,
    status: accountStatus(user.status, user, now),
    createdAt: user.createdAt.toISOString(),
  };
}

/** The platform's JSON API for accounts: register, login, logout, me. Errors are problem+json. */
export async function apiAuthRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  app.post<{ Body: RegisterBody }>(
    '/api/auth/register',
    {
      schema: routeSchema({
        tags: ['accounts'],
        summary: 'Create a customer account',
        body: RegisterBody,
        response: { 201: UserView, ...problemResponses(400, 409) },
      }),
    },
    async function register(request, reply) {
      const user = await s.accounts.register(request.body.email, request.body.password);
      return reply.code(201).send(userView(user));
    },
  );

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      schema: routeSchema({
        tags: ['accounts'],
        summary: 'Log in with email and password; returns tokens (RFC 6749 §5.1 shape)',
        description: 'Tokens are issued to the first-party client auth.apiClientId; refresh them at /oauth2/token with that client_id.',
        body: LoginBody,
        response: { 200: TokenResponse, ...problemResponses(400, 401, 403, 423) },
      }),
    },
    async function login(request, reply) {
      noStore(reply);
      const scopes = grantScopes(request.body.scope, s.apiClient.scopes);
      if (!scopes.ok) throw VALIDATION_FAILED(scopes.reason);
      const result = await s.accounts.authenticate(request.body.email, request.body.password);
      switch (result.kind) {
        case 'ok':
          return s.tokens.forUser(result.user, s.apiClient, scopes.scopes);
        case 'locked':
          throw ACCOUNT_LOCKED({ headers: { 'retry-after': String(result.retryAfterSeconds) }, extensions: { retryAfterSeconds: result.retryAfterSeconds } });
        case 'disabled':
          throw ACCOUNT_DISABLED();
        case 'invalid':
          throw INVALID_CREDENTIALS();
      }
    },
  );

  app.post<{ Body: LogoutBody }>(
    '/api/auth/logout',
    {
      // The body is optional: a bare POST with only the bearer token logs out too.
      preValidation: async function bodyOptional(request) {
        request.body ??= {};
      },
      schema: routeSchema({
        tags: ['accounts'],
        summary: 'Revoke the presented access token and, if given, the session of a refresh token',
        security: [{ bearerAuth: [] }],
        body: LogoutBody,
        response: { 204: { type: 'null', description: 'Logged out' }, ...problemResponses(401) },
      }),
    },
    async function logout(request, reply) {
      const { claims, user } = await requireUser(s, request);
      const now = new Date();
      await s.revocations.revoke(claims.jti, new Date(claims.exp * 1000));
      const refresh = request.body.refreshToken;
      // Only the caller's own sessions can be ended this way.
      if (refresh) await s.refreshTokens.revokeByToken(sha256Hex(refresh), (family) => family.userId === user.id, 'logout', now);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: routeSchema({
        tags: ['accounts'],
        summary: 'The account behind the access token',
        security: [{ bearerAuth: [] }],
        response: { 200: UserView, ...problemResponses(401, 403) },
      }),
    },
    async function me(request) {
      const { user } = await requireUser(s, request);
      return userView(user);
    },
  );
}
