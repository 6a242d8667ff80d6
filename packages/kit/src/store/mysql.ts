import { createHash } from 'node:crypto';
import { CONFIG_INVALID } from '../errors/catalogue.js';
import mysql, { type ConnectionOptions, type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';

export interface MysqlSettings {
  url: string;
  database: string;
  createDatabase: boolean;
  poolSize: number;
}

/** Connection options from a mysql:// URL; the URL's path (database) is ignored in favour of mysql.database. */
export function connectionOptions(url: string): ConnectionOptions {
  if (!url) throw CONFIG_INVALID('mysql.url is empty: set MYSQL_URL (e.g. mysql://user:password@127.0.0.1:3306), or mysql.url in Vault at secret/<service>');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw CONFIG_INVALID('mysql.url is not a URL (expected mysql://user:password@host:3306)');
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw CONFIG_INVALID(`mysql.url must start with mysql:// (got ${u.protocol}//)`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    charset: 'utf8mb4',
    // Dates travel as UTC both ways; SQL never calls NOW(), the service passes its clock.
    timezone: 'Z',
    connectTimeout: 10_000,
  };
}

/** Opens the pool, creating the database first when allowed. */
export async function openPool(settings: MysqlSettings): Promise<Pool> {
  const base = connectionOptions(settings.url);
  if (settings.createDatabase) {
    const conn = await mysql.createConnection(base);
    try {
      // The name is pattern-checked by the settings schema; identifiers cannot be bound parameters.
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${settings.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await conn.end();
    }
  }
  return mysql.createPool({ ...base, database: settings.database, connectionLimit: settings.poolSize, enableKeepAlive: true });
}

/** MySQL named locks are server-wide and at most 64 characters: scope them to the database. */
export function lockName(database: string, purpose: string): string {
  const name = `${database}.${purpose}`;
  return name.length <= 64 ? name : `${name.slice(0, 40)}.${createHash('sha256').update(name).digest('hex').slice(0, 23)}`;
}

/**
 * Runs `fn` holding a MySQL named lock, so instances sharing the database
 * take turns at read-modify-write work that MySQL alone cannot make atomic
 * (migrations, seeding, key rings kept elsewhere).
 */
export async function withLock<T>(pool: Pool, name: string, timeoutSeconds: number, fn: () => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [name, timeoutSeconds]);
    if (rows[0]?.['got'] !== 1) throw new Error(`could not take MySQL lock ${name} within ${timeoutSeconds} s`);
    try {
      return await fn();
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    conn.release();
  }
}

/** Runs `fn` in a transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const result = await fn(conn);
    await conn.commit();
    return result;
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

const LOCK_CONFLICTS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** Whether MySQL gave up on a transaction because of lock contention (safe to run again). */
export function isLockConflict(err: unknown): boolean {
  return LOCK_CONFLICTS.has((err as { code?: string }).code ?? '');
}
