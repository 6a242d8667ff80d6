import { Type, type Static } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { ROLES } from '../domain/roles.js';

// Request and response bodies. They validate requests, shape responses
// (fast-json-stringify drops anything undeclared) and make /openapi.json.

const Email = Type.String({ format: 'email', maxLength: 254, description: 'Compared case-insensitively' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const OAuthErrorBody = Type.Object(
  {
    error: Type.String({ description: 'RFC 6749 §5.2 error code' }),
    error_description: Type.Optional(Type.String()),
  },
  { description: 'OAuth 2.0 error (RFC 6749 §5.2)' },
);

/** Form parameters of the token endpoint; which ones apply depends on grant_type. */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.String({ description: 'password, refresh_token or client_credentials' }),
    scope: Type.Optional(Type.String()),
    username: Type.Optional(Type.String({ maxLength: 254 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    refresh_token: Type.Optional(Type.String({ maxLength: 512 })),
    client_id: Type.Optional(Type.String({ maxLength: 100 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: true },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
    refresh_token: Type.Optional(Type.String({ description: 'Single use: each refresh returns a new one; reusing an old one revokes the session' })),
    id_token: Type.Optional(Type.String({ description: 'When the openid scope was granted' })),
  },
  { description: 'RFC 6749 §5.1 token response' },
);

export const TokenParam = Type.Object(
  {
    token: Type.String({ maxLength: 8192 }),
    token_type_hint: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String({ maxLength: 100 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: true },
);
export type TokenParam = Static<typeof TokenParam>;

export const IntrospectionResponse = Type.Object(
  {
    active: Type.Boolean(),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    token_type: Type.Optional(Type.String()),
    exp: Type.Optional(Type.Integer()),
    iat: Type.Optional(Type.Integer()),
    sub: Type.Optional(Type.String()),
    aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    iss: Type.Optional(Type.String()),
    jti: Type.Optional(Type.String()),
    roles: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'RFC 7662 introspection response' },
);
export type IntrospectionResponse = Static<typeof IntrospectionResponse>;

export const UserInfo = Type.Object({
  sub: Type.String(),
  email: Type.Optional(Type.String()),
  email_verified: Type.Optional(Type.Boolean()),
  roles: Type.Array(Type.String()),
});

export const RegisterBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Password, scope: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const LogoutBody = Type.Object(
  { refreshToken: Type.Optional(Type.String({ maxLength: 512, description: 'Ends the whole session (refresh token family) it belongs to' })) },
  { additionalProperties: false },
);
export type LogoutBody = Static<typeof LogoutBody>;

export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  roles: Type.Array(Role),
  status: Type.Union([Type.Literal('active'), Type.Literal('locked'), Type.Literal('disabled')]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserView = Static<typeof UserView>;

export const RolesBody = Type.Object({ roles: Type.Array(Role, { uniqueItems: true, maxItems: ROLES.length }) }, { additionalProperties: false });
export type RolesBody = Static<typeof RolesBody>;

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type UserIdParams = Static<typeof UserIdParams>;

export const problemResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, { $ref: 'Problem#' }]));

/** The OpenAPI fields @fastify/swagger reads from a route schema (the kit registers swagger; its type augmentation is not visible here). */
export interface RouteDoc {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  consumes?: string[];
  hide?: boolean;
}

export const routeSchema = (schema: RouteDoc & FastifySchema): FastifySchema => schema;
