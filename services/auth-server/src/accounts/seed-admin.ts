import { randomUUID } from 'node:crypto';
import { CONFIG_INVALID, type Logger, type VaultSecrets } from '@nimbus/kit';
import { normaliseEmail, passwordProblem } from '../domain/accounts.js';
import { randomSecret } from '../crypto/opaque-tokens.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import type { UserStore } from '../store/users.js';

export interface SeedAdminOptions {
  users: UserStore;
  hasher: PasswordHasher;
  vault: VaultSecrets;
  /** KV path where a generated password is stored, as `admin.password`. */
  vaultPath: string;
  email: string;
  /** From settings (Vault secret/auth-server feeds it); empty: read again under the lock, else generate. */
  password: string;
  passwordMinLength: number;
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
  logger: Logger;
}

/** A generated password lives in the secret as flat `admin.password`, or nested `admin: { password }`. */
function storedPassword(data: Record<string, unknown> | undefined): string | undefined {
  const flat = data?.['admin.password'];
  if (typeof flat === 'string' && flat !== '') return flat;
  const nested = data?.['admin'];
  const pw = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>)['password'] : undefined;
  return typeof pw === 'string' && pw !== '' ? pw : undefined;
}

/**
 * Creates the admin account once, if no user has the admin email. The
 * password comes from Vault; when Vault has none, one is generated and
 * written there (read-merge-write under the lock). It is never logged, and
 * later changes in Vault do not reset an existing account.
 */
export async function seedAdmin(o: SeedAdminOptions): Promise<void> {
  const email = normaliseEmail(o.email);
  await o.lock(async () => {
    const existing = await o.users.findByEmail(email);
    if (existing) {
      if (!existing.roles.includes('admin')) o.logger.warn('the configured admin email belongs to a user without the admin role; not changing it', { 'user.id': existing.id });
      return;
    }
    let password = o.password;
    let generated = false;
    if (!password) {
      const secret = await o.vault.read(o.vaultPath);
      password = storedPassword(secret?.data) ?? '';
      if (!password) {
        password = randomSecret(24);
        await o.vault.write(o.vaultPath, { ...(secret?.data ?? {}), 'admin.password': password });
        generated = true;
      }
    }
    const problem = passwordProblem(password, email, o.passwordMinLength);
    if (problem) throw CONFIG_INVALID(`admin.password is not acceptable (${problem}); set a longer one in Vault`);
    const user = await o.users.create({ id: randomUUID(), email, passwordHash: await o.hasher.hash(password), roles: ['admin'], now: new Date() });
    if (user) {
      o.logger.info('admin user seeded', {
        'user.id': user.id,
        'user.email': email,
        // Field names with "password" in them are redacted by the logger; this one only says where it lives.
        'auth.admin.credential_source': generated ? `generated, stored in Vault at ${o.vaultPath} (admin.password)` : 'Vault or configuration',
      });
    }
  });
}
