import { join } from 'node:path';
import { CONFIG_INVALID, type KitSettings, type ServiceContext } from '@nimbus/kit';
import { splitList } from './domain/labels.js';
import { AmqpRefreshPublisher } from './events/amqp-publisher.js';
import { noRefreshPublisher, type RefreshPublisher } from './events/refresh.js';
import { GitRepository } from './git/repository.js';
import { ConfigReader } from './repository/reader.js';
import { ConfigSync } from './repository/sync.js';
import { SecretResolver } from './secrets/resolver.js';
import { VaultTransit } from './secrets/transit.js';
import { VaultToken } from './secrets/vault-token.js';
import type { AuthOptions, BearerVerifier } from './security/auth.js';
import type { Settings } from './settings.js';

/** What the routes work with, opened once at boot. */
export interface Parts {
  repo: GitRepository;
  sync: ConfigSync;
  reader: ConfigReader;
  transit: VaultTransit | undefined;
  auth: AuthOptions;
  webhookSecret: string;
  monitorWaitMs: number;
}

export interface PartsOptions {
  verifyBearer?: BearerVerifier;
  /** Replaces the AMQP publisher (the kit EventBus later; tests). */
  publisher?: RefreshPublisher;
}

function authOptions(s: Settings['security'], metricsPath: string, verifyBearer: BearerVerifier | undefined): AuthOptions {
  if (s.enabled && s.password === '') {
    throw CONFIG_INVALID(
      'security.password is empty: set CONFIG_SERVER_PASSWORD (or security.password in Vault at secret/config-server), or security.enabled=false on a closed network',
    );
  }
  if (s.bearer && !verifyBearer) throw CONFIG_INVALID('security.bearer is on but the service was built without a Bearer verifier (createService({ verifyBearer }))');
  return { enabled: s.enabled, publicPaths: [metricsPath], username: s.username, password: s.password, ...(s.bearer && verifyBearer && { verifyBearer }) };
}

async function openTransit(ctx: ServiceContext<Settings & KitSettings>): Promise<VaultTransit | undefined> {
  const { encrypt, vault } = ctx.settings;
  if (!encrypt.enabled) return undefined;
  if (!ctx.vault) {
    ctx.logger.warn('encryption needs Vault (vault.enabled): /encrypt, /decrypt and {cipher} values are unavailable');
    return undefined;
  }
  const transit = new VaultTransit({ url: vault.url, token: new VaultToken(vault), mount: encrypt.transitMount, key: encrypt.key, timeoutMs: vault.timeoutMs, logger: ctx.logger });
  if (encrypt.autoCreate) {
    try {
      await transit.ensure();
    } catch (err) {
      // The key may exist already and this token only lack sys/mounts rights: keep going, calls will tell.
      ctx.logger.warn('could not set up vault transit; encryption may be unavailable', { 'error.message': (err as Error).message });
    }
  }
  return transit;
}

/** Opens the repository, secrets, publisher and sync, and registers their health checks and shutdown. */
export async function openParts(ctx: ServiceContext<Settings & KitSettings>, opts: PartsOptions): Promise<Parts> {
  const s = ctx.settings;
  const auth = authOptions(s.security, s.metrics.path, opts.verifyBearer);
  const layout = { patterns: splitList(s.git.searchPaths), schemaDir: s.validation.schemaDir };
  const repo = await GitRepository.open({
    uri: s.git.uri,
    basedir: s.git.basedir,
    seedDir: s.git.seedDir,
    defaultLabel: s.git.defaultLabel,
    tryMasterBranch: s.git.tryMasterBranch,
    username: s.git.username,
    password: s.git.password,
    timeoutMs: s.git.timeoutMs,
    cacheSize: s.cache.maxFiles,
    logger: ctx.logger,
  });
  const transit = await openTransit(ctx);
  const publisher =
    opts.publisher ??
    (s.refresh.enabled
      ? await AmqpRefreshPublisher.start({ url: s.refresh.rabbitmq.url, exchange: s.refresh.rabbitmq.exchange, routingKey: s.refresh.rabbitmq.routingKey, logger: ctx.logger })
      : noRefreshPublisher);
  ctx.onClose({ name: 'refresh-publisher', close: () => publisher.close() });
  const sync = new ConfigSync({
    repo,
    layout,
    publisher,
    source: ctx.name,
    stateFile: join(s.git.basedir, 'served.json'),
    historyDepth: s.validation.historyDepth,
    pollIntervalMs: s.monitor.pollIntervalMs,
    retryIntervalMs: s.refresh.retryIntervalMs,
    logger: ctx.logger,
  });
  ctx.onClose({ name: 'config-sync', stage: 'intake', close: () => sync.close() });
  await sync.start();
  const secrets = new SecretResolver({ vault: ctx.vault, kvMount: s.vault.kv.mount, transit, logger: ctx.logger });
  const reader = new ConfigReader({ repo, sync, secrets, layout, cacheSize: s.cache.maxFiles, missingLabelFetchIntervalMs: s.git.missingLabelFetchIntervalMs });

  ctx.health.add({
    name: 'config-repository',
    check: async () => {
      const served = sync.served;
      const rejected = sync.rejected;
      if (!served) throw new Error(`no valid commit to serve for ${repo.defaultBranch}${rejected ? `; ${rejected.commit} rejected: ${rejected.problems[0]?.message ?? ''}` : ''}`);
      return {
        label: served.label,
        commit: served.commit,
        acceptedAt: served.acceptedAt,
        lastFetch: repo.lastFetch,
        ...(rejected && { rejected: { commit: rejected.commit, at: rejected.at, problems: rejected.problems.slice(0, 5) } }),
      };
    },
  });
  ctx.health.add({ name: 'refresh-publisher', critical: false, check: () => publisher.check() });
  if (transit) ctx.health.add({ name: 'vault-transit', critical: false, check: () => transit.status() });
  return { repo, sync, reader, transit, auth, webhookSecret: s.monitor.webhookSecret, monitorWaitMs: s.monitor.waitMs };
}
