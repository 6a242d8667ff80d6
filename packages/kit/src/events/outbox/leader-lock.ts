import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

/**
 * One relay per outbox table publishes at a time: a MySQL named lock held
 * by a dedicated connection. Concurrent relays reading with SKIP LOCKED
 * would publish one subject's rows out of order (relay B sends row 7 while
 * relay A still sends row 5); a single leader keeps the order and the
 * others stand by. If the leader dies, its connection closes, the server
 * frees the lock, and the next standby takes over on its next poll.
 */
export class LeaderLock {
  #conn: PoolConnection | undefined;
  #name: string | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  get held(): boolean {
    return this.#conn !== undefined;
  }

  /** True when this relay leads (already or from now on). */
  async acquire(): Promise<boolean> {
    if (this.#conn) {
      if (await this.#stillMine(this.#conn)) return true;
      this.#drop();
    }
    const conn = await this.pool.getConnection();
    try {
      // Lock names are server-wide and at most 64 characters: hash database and table.
      this.#name ??= await this.#lockName(conn);
      const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [this.#name]);
      if (rows[0]?.['got'] === 1) {
        this.#conn = conn;
        return true;
      }
      conn.release();
      return false;
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  async release(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    if (!conn) return;
    try {
      await conn.query('SELECT RELEASE_LOCK(?)', [this.#name]);
      conn.release();
    } catch {
      // Closing the session frees the lock just as well.
      conn.destroy();
    }
  }

  /** Forgets a connection that failed; destroying it frees the lock on the server. */
  #drop(): void {
    this.#conn?.destroy();
    this.#conn = undefined;
  }

  async #stillMine(conn: PoolConnection): Promise<boolean> {
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.#name]);
      return rows[0]?.['mine'] === 1;
    } catch {
      return false;
    }
  }

  async #lockName(conn: PoolConnection): Promise<string> {
    const [rows] = await conn.query<RowDataPacket[]>("SELECT CONCAT('nimbus-outbox-', SHA1(CONCAT(DATABASE(), '.', ?))) AS name", [this.table]);
    return String(rows[0]?.['name']);
  }
}
