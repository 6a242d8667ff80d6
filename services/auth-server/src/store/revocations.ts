import type { Pool, RowDataPacket } from 'mysql2/promise';

/** Access tokens revoked before they expire (logout, RFC 7009, refresh family revocation), by `jti`. */
export class RevocationStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    await this.#pool.execute('INSERT IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)', [jti, expiresAt]);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const [rows] = await this.#pool.execute<RowDataPacket[]>('SELECT 1 FROM revoked_access_tokens WHERE jti = ?', [jti]);
    return rows.length > 0;
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.#pool.execute('DELETE FROM revoked_access_tokens WHERE expires_at < ?', [now]);
  }
}
