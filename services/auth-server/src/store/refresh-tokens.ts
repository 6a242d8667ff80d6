import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { refreshOutcome, type RevokeReason } from '../domain/refresh.js';
import { inTransaction } from '@nimbus/kit';

export interface Family {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  authTime: Date;
  expiresAt: Date;
}

/** One refresh token to store: its hash, and the access token issued alongside it. */
export interface NewRefreshToken {
  hash: string;
  expiresAt: Date;
  accessJti: string;
  accessExpiresAt: Date;
}

interface TokenRow extends RowDataPacket {
  family_id: string;
  expires_at: Date;
  used_at: Date | null;
  user_id: string;
  client_id: string;
  scope: string;
  auth_time: Date;
  family_expires_at: Date;
  revoked_at: Date | null;
}

export type RotateResult =
  | { kind: 'rotated'; family: Family }
  | { kind: 'unknown' }
  | { kind: 'refused'; reason: 'revoked' | 'expired' }
  | { kind: 'revoked'; reason: RevokeReason; family: Family };

export interface RefreshTokenView {
  family: Family;
  expiresAt: Date;
  active: boolean;
}

const SELECT_TOKEN = `SELECT t.family_id, t.expires_at, t.used_at, f.user_id, f.client_id, f.scope, f.auth_time,
  f.expires_at AS family_expires_at, f.revoked_at
  FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE t.token_hash = ?`;

const familyOf = (row: TokenRow): Family => ({
  id: row.family_id,
  userId: row.user_id,
  clientId: row.client_id,
  scope: row.scope,
  authTime: row.auth_time,
  expiresAt: row.family_expires_at,
});

/** Refresh token families (one per login) and their single-use tokens, stored by SHA-256. */
export class RefreshTokenStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async createFamily(family: Family, token: NewRefreshToken, now: Date): Promise<void> {
    await inTransaction(this.#pool, async (conn) => {
      await conn.execute('INSERT INTO refresh_families (id, user_id, client_id, scope, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        family.id,
        family.userId,
        family.clientId,
        family.scope,
        family.authTime,
        now,
        family.expiresAt,
      ]);
      await insertToken(conn, family.id, token, now);
    });
  }

  /**
   * Uses a refresh token: rotates it (the caller's `next` joins the family),
   * or revokes the family on reuse or a foreign client, or refuses. The
   * token row is locked for the decision, so two concurrent uses of one token
   * cannot both rotate: the second sees it used and revokes the family.
   */
  async rotate(hash: string, presentingClientId: string, next: (family: Family) => Promise<NewRefreshToken>, now: Date): Promise<RotateResult> {
    return inTransaction(this.#pool, async (conn) => {
      const [rows] = await conn.execute<TokenRow[]>(`${SELECT_TOKEN} FOR UPDATE`, [hash]);
      const row = rows[0];
      if (!row) return { kind: 'unknown' as const };
      const family = familyOf(row);
      const outcome = refreshOutcome(
        { clientId: row.client_id, expiresAt: row.expires_at, usedAt: row.used_at, familyExpiresAt: row.family_expires_at, familyRevokedAt: row.revoked_at },
        presentingClientId,
        now,
      );
      switch (outcome.kind) {
        case 'refuse':
          return { kind: 'refused' as const, reason: outcome.reason };
        case 'revoke':
          await revokeFamilyIn(conn, family.id, outcome.reason, now);
          return { kind: 'revoked' as const, reason: outcome.reason, family };
        case 'rotate': {
          await conn.execute('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?', [now, hash]);
          await insertToken(conn, family.id, await next(family), now);
          return { kind: 'rotated' as const, family };
        }
      }
    });
  }

  /** For introspection: the token's family and whether it could still be used. */
  async view(hash: string, now: Date): Promise<RefreshTokenView | undefined> {
    const [rows] = await this.#pool.execute<TokenRow[]>(SELECT_TOKEN, [hash]);
    const row = rows[0];
    if (!row) return undefined;
    const active = !row.revoked_at && !row.used_at && now < row.expires_at && now < row.family_expires_at;
    return { family: familyOf(row), expiresAt: row.expires_at < row.family_expires_at ? row.expires_at : row.family_expires_at, active };
  }

  /** Revokes the family a token belongs to (logout, RFC 7009), only if `owns` accepts it. Returns whether one was revoked. */
  async revokeByToken(hash: string, owns: (family: Family) => boolean, reason: RevokeReason, now: Date): Promise<boolean> {
    return inTransaction(this.#pool, async (conn) => {
      const [rows] = await conn.execute<TokenRow[]>(`${SELECT_TOKEN} FOR UPDATE`, [hash]);
      const row = rows[0];
      if (!row || row.revoked_at || !owns(familyOf(row))) return false;
      await revokeFamilyIn(conn, row.family_id, reason, now);
      return true;
    });
  }

  /** Revokes every live family of a user (account disabled, password reset). */
  async revokeAllForUser(userId: string, reason: RevokeReason, now: Date): Promise<void> {
    await inTransaction(this.#pool, async (conn) => {
      const [rows] = await conn.execute<RowDataPacket[]>('SELECT id FROM refresh_families WHERE user_id = ? AND revoked_at IS NULL FOR UPDATE', [userId]);
      for (const r of rows) await revokeFamilyIn(conn, String(r['id']), reason, now);
    });
  }

  /** Drops families past their absolute end and used tokens past their own expiry (reuse of those is refused anyway). */
  async deleteExpired(now: Date): Promise<void> {
    await this.#pool.execute('DELETE FROM refresh_families WHERE expires_at < ?', [now]);
    await this.#pool.execute('DELETE FROM refresh_tokens WHERE expires_at < ? AND used_at IS NOT NULL', [now]);
  }
}

async function insertToken(conn: PoolConnection, familyId: string, token: NewRefreshToken, now: Date): Promise<void> {
  await conn.execute('INSERT INTO refresh_tokens (token_hash, family_id, issued_at, expires_at, access_jti, access_expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
    token.hash,
    familyId,
    now,
    token.expiresAt,
    token.accessJti,
    token.accessExpiresAt,
  ]);
}

/** Marks the family revoked and denylists the access tokens it issued that have not expired yet. */
async function revokeFamilyIn(conn: PoolConnection, familyId: string, reason: RevokeReason, now: Date): Promise<void> {
  await conn.execute('UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL', [now, reason, familyId]);
  await conn.execute(
    'INSERT IGNORE INTO revoked_access_tokens (jti, expires_at) SELECT access_jti, access_expires_at FROM refresh_tokens WHERE family_id = ? AND access_expires_at > ?',
    [familyId, now],
  );
}
