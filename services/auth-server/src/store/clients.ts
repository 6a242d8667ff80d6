import type { Pool, RowDataPacket } from 'mysql2/promise';
import { isGrantType, type OAuthClient } from '../domain/clients.js';

interface ClientRow extends RowDataPacket {
  client_id: string;
  secret_hash: string | null;
  grants: string;
  scopes: string;
  is_public: number;
  enabled: number;
}

export interface StoredClient {
  client: OAuthClient;
  /** argon2id hash of the secret; null for public clients. */
  secretHash: string | null;
  enabled: boolean;
}

/** OAuth2 clients in MySQL, written only by seeding from configuration. */
export class ClientStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async find(id: string): Promise<StoredClient | undefined> {
    const [rows] = await this.#pool.execute<ClientRow[]>('SELECT client_id, secret_hash, grants, scopes, is_public, enabled FROM oauth_clients WHERE client_id = ?', [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      client: {
        id: row.client_id,
        grants: row.grants.split(' ').filter(isGrantType),
        scopes: row.scopes.split(' ').filter(Boolean),
        public: row.is_public === 1,
      },
      secretHash: row.secret_hash,
      enabled: row.enabled === 1,
    };
  }

  async upsert(client: OAuthClient, secretHash: string | null, now: Date): Promise<void> {
    await this.#pool.execute(
      `INSERT INTO oauth_clients (client_id, secret_hash, grants, scopes, is_public, enabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?)
       ON DUPLICATE KEY UPDATE secret_hash = VALUES(secret_hash), grants = VALUES(grants), scopes = VALUES(scopes),
         is_public = VALUES(is_public), enabled = 1, updated_at = VALUES(updated_at)`,
      [client.id, secretHash, client.grants.join(' '), client.scopes.join(' '), client.public ? 1 : 0, now, now],
    );
  }

  /** Disables every client not in `keep`; returns how many were disabled. */
  async disableAllExcept(keep: readonly string[], now: Date): Promise<number> {
    if (keep.length === 0) {
      const [res] = await this.#pool.execute('UPDATE oauth_clients SET enabled = 0, updated_at = ? WHERE enabled = 1', [now]);
      return (res as { affectedRows: number }).affectedRows;
    }
    const marks = keep.map(() => '?').join(', ');
    const [res] = await this.#pool.execute(`UPDATE oauth_clients SET enabled = 0, updated_at = ? WHERE enabled = 1 AND client_id NOT IN (${marks})`, [now, ...keep]);
    return (res as { affectedRows: number }).affectedRows;
  }
}
