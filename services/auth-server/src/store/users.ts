import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { StoredStatus } from '../domain/accounts.js';
import { afterFailure, lockRemainingSeconds, type LockoutPolicy, type LockState } from '../domain/lockout.js';
import { isRole, normaliseRoles, type Role } from '../domain/roles.js';
import { inTransaction } from '@nimbus/kit';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  status: StoredStatus;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  roles: Role[];
}

interface UserRow extends RowDataPacket {
  id: string;
  email: string;
  password_hash: string;
  status: StoredStatus;
  failed_logins: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, email, password_hash, status, failed_logins, locked_until, last_login_at, created_at';

export type AttemptReservation =
  | { kind: 'unknown' }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'reserved'; user: UserRecord };

const isDuplicate = (err: unknown) => (err as { code?: string }).code === 'ER_DUP_ENTRY';

/** Users and their roles in MySQL. Emails arrive already normalised. */
export class UserStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** Creates a user with roles; `undefined` when the email is taken. */
  async create(input: { id: string; email: string; passwordHash: string; roles: Role[]; now: Date }): Promise<UserRecord | undefined> {
    return inTransaction(this.#pool, async (conn) => {
      try {
        await conn.execute(
          'INSERT INTO users (id, email, password_hash, status, failed_logins, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)',
          [input.id, input.email, input.passwordHash, 'active', input.now, input.now],
        );
      } catch (err) {
        if (isDuplicate(err)) return undefined;
        throw err;
      }
      const roles = normaliseRoles(input.roles);
      for (const role of roles) await conn.execute('INSERT INTO user_roles (user_id, role) VALUES (?, ?)', [input.id, role]);
      return {
        id: input.id,
        email: input.email,
        passwordHash: input.passwordHash,
        status: 'active',
        failedLogins: 0,
        lockedUntil: null,
        lastLoginAt: null,
        createdAt: input.now,
        roles,
      };
    });
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const [rows] = await this.#pool.execute<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
    return rows[0] ? this.#withRoles(this.#pool, rows[0]) : undefined;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const [rows] = await this.#pool.execute<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE email = ?`, [email]);
    return rows[0] ? this.#withRoles(this.#pool, rows[0]) : undefined;
  }

  /**
   * Counts a login attempt as failed *before* the password is checked, in a
   * short transaction on the user's row. Concurrent guesses therefore cannot
   * all slip in before the first failure is recorded: at most `maxFailures`
   * passwords are ever checked per lock window. A success then resets it.
   */
  async reserveAttempt(email: string, policy: LockoutPolicy, now: Date): Promise<AttemptReservation> {
    return inTransaction(this.#pool, async (conn) => {
      const [rows] = await conn.execute<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE email = ? FOR UPDATE`, [email]);
      const row = rows[0];
      if (!row) return { kind: 'unknown' as const };
      const state: LockState = { failedLogins: row.failed_logins, lockedUntil: row.locked_until };
      const remaining = lockRemainingSeconds(state, now);
      if (remaining > 0) return { kind: 'locked' as const, retryAfterSeconds: remaining };
      const next = afterFailure(state, policy, now);
      await conn.execute('UPDATE users SET failed_logins = ?, locked_until = ?, updated_at = ? WHERE id = ?', [next.failedLogins, next.lockedUntil, now, row.id]);
      const user = await this.#withRoles(conn, row);
      return { kind: 'reserved' as const, user: { ...user, failedLogins: next.failedLogins, lockedUntil: next.lockedUntil } };
    });
  }

  /** A successful login: clears the failure count and lock, optionally upgrading the hash. */
  async recordSuccess(id: string, now: Date, newPasswordHash?: string): Promise<void> {
    if (newPasswordHash) {
      await this.#pool.execute('UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, password_hash = ?, updated_at = ? WHERE id = ?', [now, newPasswordHash, now, id]);
    } else {
      await this.#pool.execute('UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, updated_at = ? WHERE id = ?', [now, now, id]);
    }
  }

  /**
   * Replaces a user's roles. `guard` runs inside the transaction with the
   * current roles and the number of *other* active admins (admin rows locked),
   * so two concurrent demotions cannot both pass a last-admin check.
   */
  async replaceRoles(id: string, roles: Role[], now: Date, guard: (current: Role[], otherActiveAdmins: number) => void): Promise<UserRecord | undefined> {
    return inTransaction(this.#pool, async (conn) => {
      // Admin rows first, always in the same (index) order, so concurrent role changes queue instead of deadlocking.
      const [admins] = await conn.execute<RowDataPacket[]>(
        "SELECT u.id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND u.status = 'active' ORDER BY r.user_id FOR UPDATE",
      );
      const [rows] = await conn.execute<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE id = ? FOR UPDATE`, [id]);
      const row = rows[0];
      if (!row) return undefined;
      const current = (await this.#withRoles(conn, row)).roles;
      guard(current, admins.filter((a) => a['id'] !== id).length);
      const next = normaliseRoles(roles);
      await conn.execute('DELETE FROM user_roles WHERE user_id = ?', [id]);
      for (const role of next) await conn.execute('INSERT INTO user_roles (user_id, role) VALUES (?, ?)', [id, role]);
      await conn.execute('UPDATE users SET updated_at = ? WHERE id = ?', [now, id]);
      return this.#map(row, next);
    });
  }

  async #withRoles(db: Pool | PoolConnection, row: UserRow): Promise<UserRecord> {
    const [roles] = await db.execute<RowDataPacket[]>('SELECT role FROM user_roles WHERE user_id = ? ORDER BY role', [row.id]);
    return this.#map(row, roles.map((r) => String(r['role'])).filter(isRole));
  }

  #map(row: UserRow, roles: Role[]): UserRecord {
    return {
      id: row.id,
      email: row.email,
      passwordHash: row.password_hash,
      status: row.status,
      failedLogins: row.failed_logins,
      lockedUntil: row.locked_until,
      lastLoginAt: row.last_login_at,
      createdAt: row.created_at,
      roles,
    };
  }
}
