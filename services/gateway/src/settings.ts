import { Type, type Static } from '@sinclair/typebox';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const Method = Type.Union(METHODS.map((m) => Type.Literal(m)));

/** One authorization requirement of a route; the first whose methods match the request applies. */
export const AccessRule = Type.Object({
  methods: Type.Array(Method, { default: [], description: 'Methods this rule applies to; empty for every method' }),
  roles: Type.Array(Type.String(), { default: [], description: 'The caller needs at least one of these roles; empty for no role requirement' }),
  scopes: Type.Array(Type.String(), { default: [], description: 'The caller needs every one of these scopes' }),
});
export type AccessRule = Static<typeof AccessRule>;

export const RouteLimit = Type.Object({
  max: Type.Integer({ minimum: 1, description: 'Requests per key per window on this route' }),
  timeWindowMs: Type.Integer({ minimum: 1, description: 'Window length on this route' }),
});

export const RouteSettings = Type.Object({
  id: Type.String({ minLength: 1, description: 'Stable route id (rate-limit keys, metrics, logs)' }),
  path: Type.String({ pattern: '^/', description: 'Path prefix matched on segment boundaries, e.g. /api/products matches /api/products and /api/products/42' }),
  service: Type.String({ minLength: 1, description: 'Discovery name of the upstream service' }),
  stripPrefix: Type.Integer({ default: 0, minimum: 0, description: 'Leading path segments removed before forwarding (Spring StripPrefix)' }),
  prefixPath: Type.String({ default: '', description: 'Prepended to the path after stripping (Spring PrefixPath); empty for none' }),
  timeoutMs: Type.Integer({ default: 0, minimum: 0, description: 'Per attempt timeout; 0 uses client.defaults.timeoutMs / client.services.<service>.timeoutMs' }),
  auth: Type.Union([Type.Literal('public'), Type.Literal('authenticated')], {
    default: 'authenticated',
    description: 'public: no token needed (a valid one is still forwarded as identity); authenticated: a valid access token is required',
  }),
  rules: Type.Array(AccessRule, { default: [], description: 'Role/scope requirements for authenticated routes, checked after the token' }),
  rateLimit: Type.Optional(RouteLimit),
});
export type RouteSettings = Static<typeof RouteSettings>;

const WRITES: AccessRule['methods'] = ['POST', 'PUT', 'PATCH', 'DELETE'];

// Services serve their resources at the root (/products, /orders): the /api segment is stripped.
// Internal APIs (inventory's /reservations) are not routed at all.
export const DEFAULT_ROUTES: RouteSettings[] = [
  { id: 'products', path: '/api/products', service: 'product-service', stripPrefix: 1, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [{ methods: WRITES, roles: ['admin'], scopes: [] }] },
  { id: 'orders', path: '/api/orders', service: 'order-service', stripPrefix: 1, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [] },
  { id: 'inventory', path: '/api/inventory', service: 'inventory-service', stripPrefix: 1, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [] },
  { id: 'notifications', path: '/api/notifications', service: 'notification-service', stripPrefix: 1, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [] },
  // The auth server guards its own API (/api/auth/me needs its token); login and register are public.
  { id: 'auth-api', path: '/api/auth', service: 'auth-server', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'public', rules: [] },
  { id: 'oauth2', path: '/oauth2', service: 'auth-server', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'public', rules: [] },
  { id: 'well-known', path: '/.well-known', service: 'auth-server', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'public', rules: [] },
];

export const GatewaySettings = Type.Object({
  routes: Type.Array(RouteSettings, { default: DEFAULT_ROUTES, description: 'Routes, first matching prefix wins (longest prefixes are tried first); live: a refresh replaces the whole list, one with duplicate ids is refused and the previous stays' }),
  // Live: a refresh builds a new verifier (its verified-token cache goes with the old settings).
  auth: Type.Object({
    jwksUrl: Type.String({ default: '', description: 'JWKS of the auth server; empty resolves auth.jwksService through discovery and uses /.well-known/jwks.json' }),
    jwksService: Type.String({ default: 'auth-server', description: 'Discovery name of the auth server, used when auth.jwksUrl is empty' }),
    issuer: Type.String({ default: 'http://127.0.0.1:9000', description: 'Expected `iss` of access tokens' }),
    audience: Type.String({ default: 'nimbus', description: 'Expected `aud` of access tokens' }),
    clockToleranceSeconds: Type.Integer({ default: 30, minimum: 0, maximum: 300, description: 'Clock skew allowed on exp/nbf/iat' }),
    algorithms: Type.Array(Type.Union([Type.Literal('ES256'), Type.Literal('EdDSA')]), { default: ['ES256', 'EdDSA'], minItems: 1, description: 'Accepted signature algorithms' }),
  }),
  rateLimit: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Rate limit proxied requests (per user, per IP when anonymous, per route)' }),
    max: Type.Integer({ default: 100, minimum: 1, description: 'Requests per key per window (live: applies on refresh)' }),
    timeWindowMs: Type.Integer({ default: 60_000, minimum: 1, description: 'Window length (live)' }),
    redisUrl: Type.String({ default: '', description: 'Redis for counters shared by gateway instances; empty keeps them in memory (read at boot)' }),
    routes: Type.Record(Type.String(), RouteLimit, { default: {}, description: 'Per route id overrides, e.g. { "orders": { "max": 10, "timeWindowMs": 1000 } } (live)' }),
  }),
  cors: Type.Object({
    origins: Type.Array(Type.String(), { default: [], description: 'Allowed origins; empty disables CORS' }),
    credentials: Type.Boolean({ default: false, description: 'Access-Control-Allow-Credentials' }),
    maxAgeSeconds: Type.Integer({ default: 600, minimum: 0, description: 'Preflight cache lifetime' }),
  }),
});
export type GatewaySettings = Static<typeof GatewaySettings>;

/** Settings of the gateway beyond the kit's. */
export const Settings = Type.Object({ gateway: GatewaySettings });
export type Settings = Static<typeof Settings>;
