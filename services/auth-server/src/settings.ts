import { Type, type Static } from '@sinclair/typebox';

/**
 * One OAuth2 client as configuration declares it. Secrets never live here:
 * confidential clients' secrets are in Vault (`auth.vault.clientSecretsPath`),
 * and only their argon2id hashes reach MySQL.
 */
export const ClientDefinition = Type.Object({
  grants: Type.String({ description: 'Space-separated grant types: password, refresh_token, client_credentials' }),
  // Optional rather than defaulted: defaults do not reach into record values.
  scopes: Type.Optional(Type.String({ description: 'Space-separated scopes the client may request (its default when it asks for none); none if absent' })),
  public: Type.Optional(Type.Boolean({ description: 'A public client (first-party CLI or browser app) has no secret and cannot use client_credentials; false if absent' })),
});
export type ClientDefinition = Static<typeof ClientDefinition>;

const USER_SCOPES = 'openid profile email';

/** The clients a fresh platform needs: the gateway, a public first-party client, and one per service. */
export const STANDARD_CLIENTS: Readonly<Record<string, ClientDefinition>> = {
  gateway: { grants: 'password refresh_token client_credentials', scopes: USER_SCOPES, public: false },
  'nimbus-web': { grants: 'password refresh_token', scopes: USER_SCOPES, public: true },
  'product-service': { grants: 'client_credentials', scopes: 'inventory:read', public: false },
  'inventory-service': { grants: 'client_credentials', scopes: 'products:read', public: false },
  'order-service': { grants: 'client_credentials', scopes: 'inventory:write products:read', public: false },
  'notification-service': { grants: 'client_credentials', scopes: 'orders:read', public: false },
};

/** Settings of auth-server beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({
  mysql: Type.Object({
    url: Type.String({ default: '', description: 'MySQL/MariaDB server URL without database (bootstrap env MYSQL_URL), e.g. mysql://user:pass@127.0.0.1:3306; keep credentials in Vault' }),
    database: Type.String({ default: 'nimbus_auth', pattern: '^[A-Za-z0-9_]{1,64}$', description: 'Database holding users, clients and refresh tokens' }),
    createDatabase: Type.Boolean({ default: true, description: 'Create the database at start-up if missing; turn off where the account lacks CREATE' }),
    poolSize: Type.Integer({ default: 10, minimum: 1, description: 'Connections in the MySQL pool' }),
  }),
  auth: Type.Object({
    issuer: Type.String({ default: 'http://127.0.0.1:9000', description: 'Issuer URL (`iss`, discovery); must be the URL clients reach this server at. Empty: the address it listens on (tests on port 0)' }),
    audience: Type.String({ default: 'nimbus', minLength: 1, description: 'Audience (`aud`) of access tokens; resource servers and the gateway require it' }),
    accessTokenTtlSeconds: Type.Integer({ default: 300, minimum: 1, maximum: 86_400, description: 'Lifetime of access and ID tokens' }),
    refreshTokenTtlSeconds: Type.Integer({ default: 86_400, minimum: 60, description: 'Lifetime of one refresh token; each use rotates it and restarts this clock' }),
    refreshFamilyTtlSeconds: Type.Integer({ default: 2_592_000, minimum: 60, description: 'Absolute lifetime of a login session (refresh token family), however often it is refreshed' }),
    clockSkewSeconds: Type.Integer({ default: 60, minimum: 0, maximum: 600, description: 'Tolerated clock difference when checking exp/iat, and extra time old keys stay published' }),
    apiClientId: Type.String({ default: 'nimbus-web', description: 'The client that tokens from POST /api/auth/login are issued to; a standard or configured client with the password grant' }),
    standardClients: Type.Boolean({
      default: true,
      description: 'Seed the standard clients (gateway, nimbus-web, one per service); false: only those in auth.clients exist',
    }),
    clients: Type.Record(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' }), ClientDefinition, {
      default: {},
      description: 'More OAuth2 clients by client_id, or overrides of standard ones; seeded into MySQL at start-up, every other client is disabled',
    }),
    signing: Type.Object({
      algorithm: Type.Union([Type.Literal('ES256'), Type.Literal('EdDSA')], { default: 'ES256', description: 'Signature algorithm of new signing keys (asymmetric only)' }),
      keyLifetimeSeconds: Type.Integer({ default: 2_592_000, minimum: 2, description: 'How long one key signs before the next takes over (rotation period)' }),
      prePublishSeconds: Type.Integer({ default: 3_600, minimum: 1, description: 'The next key is published in JWKS this long before it starts signing, so verifier caches already hold it (capped at half the key lifetime)' }),
      checkIntervalSeconds: Type.Integer({ default: 30, minimum: 1, description: 'How often the key ring is re-read from Vault and rotated when due; keep it at or below the clock skew' }),
    }),
    vault: Type.Object({
      signingKeysPath: Type.String({ default: 'auth-server/signing-keys', description: 'KV v2 path of the signing key ring (private JWKs)' }),
      clientSecretsPath: Type.String({ default: 'auth-server/clients', description: 'KV v2 path of client secrets, one key per client_id; missing ones are generated and stored there' }),
      adminPath: Type.String({ default: 'auth-server', description: 'KV v2 path where a generated admin password is stored (as admin.password)' }),
    }),
    lockout: Type.Object({
      maxFailures: Type.Integer({ default: 5, minimum: 1, description: 'Consecutive failed logins before the account locks' }),
      baseSeconds: Type.Integer({ default: 60, minimum: 1, description: 'First lock duration; each further failure after a lock doubles it' }),
      maxSeconds: Type.Integer({ default: 3_600, minimum: 1, description: 'Longest lock duration' }),
    }),
    password: Type.Object({
      minLength: Type.Integer({ default: 12, minimum: 8, maximum: 128, description: 'Shortest accepted password (NIST SP 800-63B asks for at least 8)' }),
      memoryCostKiB: Type.Integer({ default: 19_456, minimum: 8_192, description: 'argon2id memory cost (OWASP minimum: 19 MiB); hashes with other parameters are upgraded at next login' }),
      timeCost: Type.Integer({ default: 2, minimum: 1, description: 'argon2id iterations' }),
      parallelism: Type.Integer({ default: 1, minimum: 1, description: 'argon2id lanes' }),
    }),
    cleanupIntervalSeconds: Type.Integer({ default: 3_600, minimum: 1, description: 'How often expired refresh tokens and revoked-token records are deleted' }),
  }),
  admin: Type.Object({
    email: Type.String({ default: 'admin@nimbus.local', description: 'Email of the admin seeded at first start (Vault: secret/auth-server admin.email)' }),
    password: Type.String({ default: '', description: 'Initial admin password (Vault: secret/auth-server admin.password); empty: generated at first start and stored there, never logged' }),
  }),
});
export type Settings = Static<typeof Settings>;

/** The clients to seed: the standard ones (unless turned off) with configured ones added or overriding. */
export function configuredClients(auth: Pick<Settings['auth'], 'standardClients' | 'clients'>): Record<string, ClientDefinition> {
  return { ...(auth.standardClients ? STANDARD_CLIENTS : {}), ...auth.clients };
}
