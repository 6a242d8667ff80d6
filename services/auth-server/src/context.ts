import { CONFIG_INVALID, type KitSettings, type Logger, type ServiceContext } from '@nimbus/kit';
import { Accounts } from './accounts/accounts.js';
import { seedAdmin } from './accounts/seed-admin.js';
import { PasswordHasher } from './crypto/passwords.js';
import { toClient, type OAuthClient } from './domain/clients.js';
import { IssuerUrl } from './issuer-url.js';
import { KeyManager } from './keys/key-manager.js';
import { KeyRing } from './keys/key-ring.js';
import type { RingPolicy } from './keys/ring.js';
import { ClientAuthenticator } from './oauth/authenticate-client.js';
import { seedClients, validateClientDefinitions } from './oauth/seed-clients.js';
import { TokenService } from './oauth/token-service.js';
import { configuredClients, type Settings } from './settings.js';
import { ClientStore } from './store/clients.js';
import { lockName, migrate, migrationsDir, openPool, withLock } from '@nimbus/kit';
import { RefreshTokenStore } from './store/refresh-tokens.js';
import { RevocationStore } from './store/revocations.js';
import { UserStore } from './store/users.js';
import { TokenIssuer } from './tokens/issuer.js';
import { AccessTokenVerifier } from './tokens/verifier.js';

export type AuthSettings = Settings & KitSettings;

/** Everything the routes use, opened once per app in setup. */
export interface AuthServices {
  settings: AuthSettings;
  logger: Logger;
  issuerUrl: IssuerUrl;
  ring: KeyRing;
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  revocations: RevocationStore;
  accounts: Accounts;
  tokens: TokenService;
  clientAuth: ClientAuthenticator;
  verifier: AccessTokenVerifier;
  /** The client that JSON API logins are issued to. */
  apiClient: OAuthClient;
  /** Every configured client, for discovery's scopes_supported. */
  clientScopes: string[];
}

/**
 * Opens the stores and keys in the order they depend on each other:
 * Vault present → MySQL and migrations → key ring (created on first start)
 * → clients and admin seeded → background cleanup. Each part registers its
 * own close, and its own readiness check.
 */
export async function openAuthServices(ctx: ServiceContext<AuthSettings>): Promise<AuthServices> {
  const { settings, logger, vault } = ctx;
  const { auth } = settings;
  if (!vault) {
    throw CONFIG_INVALID('auth-server keeps its signing keys and client secrets in Vault: set vault.enabled=true with VAULT_ADDR and VAULT_TOKEN (or AppRole)');
  }
  const clientDefinitions = configuredClients(auth);
  validateClientDefinitions(clientDefinitions, auth.apiClientId);
  const issuerUrl = new IssuerUrl(auth.issuer);
  if (issuerUrl.configured && issuerUrl.get().startsWith('http:') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]?/.test(issuerUrl.get())) {
    logger.warn('auth.issuer is plain http on a non-loopback host; tokens and passwords travel unencrypted unless TLS terminates in front', { 'url.full': issuerUrl.get() });
  }

  const pool = await openPool(settings.mysql);
  ctx.onClose({ name: 'mysql', close: () => pool.end() });
  ctx.health.add({
    name: 'mysql',
    check: async () => {
      await pool.query('SELECT 1');
    },
  });
  const applied = await migrate(pool, settings.mysql, { dir: migrationsDir(import.meta.url), schemaTable: 'auth_schema_version' });
  if (applied > 0) logger.info('database migrated', { 'db.name': settings.mysql.database, 'db.migrations_applied': applied });
  const lock = (purpose: string) => <T>(fn: () => Promise<T>) => withLock(pool, lockName(settings.mysql.database, purpose), 30, fn);

  const policy: RingPolicy = {
    keyLifetimeSeconds: auth.signing.keyLifetimeSeconds,
    prePublishSeconds: auth.signing.prePublishSeconds,
    accessTokenTtlSeconds: auth.accessTokenTtlSeconds,
    clockSkewSeconds: auth.clockSkewSeconds,
  };
  const ring = new KeyRing(policy);
  const keys = new KeyManager({
    vault,
    path: auth.vault.signingKeysPath,
    algorithm: auth.signing.algorithm,
    policy,
    ring,
    lock: lock('signing-keys'),
    checkIntervalSeconds: auth.signing.checkIntervalSeconds,
    logger,
  });
  await keys.start();
  ctx.onClose({ name: 'signing-keys', close: () => keys.close() });
  ctx.health.add({
    name: 'signing-key',
    check: async () => {
      const key = ring.signingKey();
      if (!key) throw new Error('no signing key is active');
      return { kid: key.kid, alg: key.alg };
    },
  });

  const hasher = new PasswordHasher(auth.password);
  const users = new UserStore(pool);
  const clients = new ClientStore(pool);
  const refreshTokens = new RefreshTokenStore(pool);
  const revocations = new RevocationStore(pool);
  await seedClients({ definitions: clientDefinitions, store: clients, hasher, vault, secretsPath: auth.vault.clientSecretsPath, lock: lock('seed'), logger });
  await seedAdmin({
    users,
    hasher,
    vault,
    vaultPath: auth.vault.adminPath,
    email: settings.admin.email,
    password: settings.admin.password,
    passwordMinLength: auth.password.minLength,
    lock: lock('seed'),
    logger,
  });

  const cleanup = setInterval(() => {
    const now = new Date();
    Promise.all([refreshTokens.deleteExpired(now), revocations.deleteExpired(now)]).catch((err: unknown) => {
      logger.warn('expired token cleanup failed', { 'error.message': err instanceof Error ? err.message : String(err) });
    });
  }, auth.cleanupIntervalSeconds * 1000);
  cleanup.unref();
  ctx.onClose({ name: 'token-cleanup', close: () => clearInterval(cleanup) });

  const issuer = () => issuerUrl.get();
  const tokenIssuer = new TokenIssuer(ring, { issuer, audience: auth.audience, accessTokenTtlSeconds: auth.accessTokenTtlSeconds });
  const apiDefinition = clientDefinitions[auth.apiClientId];
  if (!apiDefinition) throw CONFIG_INVALID(`auth.apiClientId "${auth.apiClientId}" is not a configured client`);
  return {
    settings,
    logger,
    issuerUrl,
    ring,
    users,
    refreshTokens,
    revocations,
    accounts: new Accounts({ users, hasher, lockout: auth.lockout, passwordMinLength: auth.password.minLength, logger }),
    tokens: new TokenService({
      issuer: tokenIssuer,
      refreshTokens,
      users,
      refreshTokenTtlSeconds: auth.refreshTokenTtlSeconds,
      refreshFamilyTtlSeconds: auth.refreshFamilyTtlSeconds,
      logger,
    }),
    clientAuth: new ClientAuthenticator(clients, hasher),
    verifier: new AccessTokenVerifier(ring, { issuer, audience: auth.audience, clockSkewSeconds: auth.clockSkewSeconds }, (jti) => revocations.isRevoked(jti)),
    apiClient: toClient(auth.apiClientId, apiDefinition),
    clientScopes: Object.entries(clientDefinitions).flatMap(([id, def]) => toClient(id, def).scopes),
  };
}
