import { CONFIG_INVALID, type Logger, type VaultSecrets } from '@nimbus/kit';
import { clientProblems, toClient } from '../domain/clients.js';
import { randomSecret } from '../crypto/opaque-tokens.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import type { ClientDefinition } from '../settings.js';
import type { ClientStore } from '../store/clients.js';

/** Shortest client secret accepted from Vault; generated ones are 43 characters. */
export const MIN_CLIENT_SECRET_LENGTH = 16;

export interface SeedClientsOptions {
  definitions: Readonly<Record<string, ClientDefinition>>;
  store: ClientStore;
  hasher: PasswordHasher;
  vault: VaultSecrets;
  /** KV path holding { [clientId]: secret }. */
  secretsPath: string;
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
  logger: Logger;
}

/** Validates every configured client at once, so one start-up error lists every problem. */
export function validateClientDefinitions(definitions: Readonly<Record<string, ClientDefinition>>, apiClientId: string): void {
  const problems = Object.entries(definitions).flatMap(([id, def]) => clientProblems(id, def));
  const api = definitions[apiClientId];
  if (!api) problems.push(`auth.apiClientId: client "${apiClientId}" is not in auth.clients`);
  else if (!api.grants.split(' ').includes('password')) problems.push(`auth.apiClientId: client "${apiClientId}" needs the password grant`);
  if (problems.length > 0) throw CONFIG_INVALID({ detail: problems.join('; '), extensions: { errors: problems } });
}

/**
 * Makes MySQL match configuration: every configured client upserted (secret
 * hash refreshed when the Vault secret changed), every other client disabled.
 * Confidential clients without a secret in Vault get a generated one, stored
 * there for the client's own service to read.
 */
export async function seedClients(o: SeedClientsOptions): Promise<void> {
  await o.lock(async () => {
    const secret = await o.vault.read(o.secretsPath);
    const secrets: Record<string, unknown> = { ...(secret?.data ?? {}) };
    const generated: string[] = [];
    for (const [id, def] of Object.entries(o.definitions)) {
      if (!def.public && (typeof secrets[id] !== 'string' || secrets[id] === '')) {
        secrets[id] = randomSecret();
        generated.push(id);
      }
    }
    if (generated.length > 0) await o.vault.write(o.secretsPath, secrets);

    const now = new Date();
    for (const [id, def] of Object.entries(o.definitions)) {
      const client = toClient(id, def);
      let hash: string | null = null;
      if (!client.public) {
        const value = secrets[id] as string;
        if (value.length < MIN_CLIENT_SECRET_LENGTH) throw CONFIG_INVALID(`client ${id}: its secret in Vault (${o.secretsPath}) is shorter than ${MIN_CLIENT_SECRET_LENGTH} characters`);
        const existing = await o.store.find(id);
        const keep = existing?.secretHash && !o.hasher.needsRehash(existing.secretHash) && (await o.hasher.verify(existing.secretHash, value));
        hash = keep && existing.secretHash ? existing.secretHash : await o.hasher.hash(value);
      }
      await o.store.upsert(client, hash, now);
    }
    const disabled = await o.store.disableAllExcept(Object.keys(o.definitions), now);
    o.logger.info('oauth clients seeded', {
      'auth.clients.seeded': Object.keys(o.definitions),
      'auth.clients.generated_credentials_for': generated,
      'auth.clients.disabled_count': disabled,
    });
  });
}
