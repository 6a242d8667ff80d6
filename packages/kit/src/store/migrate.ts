import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql, { type Pool } from 'mysql2/promise';
import Postgrator from 'postgrator';
import { connectionOptions, lockName, withLock, type MysqlSettings } from './mysql.js';

/**
 * `migrations/` at the root of the package that `moduleUrl` belongs to, found
 * whether running from src/ (tests) or dist/src/ (built): pass `import.meta.url`.
 */
export function migrationsDir(moduleUrl: string): string {
  const from = dirname(fileURLToPath(moduleUrl));
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'migrations');
    if (dirname(dir) === dir) throw new Error(`no package root (package.json) above ${from}`);
  }
}

export interface MigrateOptions {
  /** Folder of postgrator SQL files (`001.do.create-users.sql`). */
  dir: string;
  /** Table recording applied versions; one per service. */
  schemaTable: string;
}

/**
 * Applies pending SQL migrations with postgrator, one instance at a time
 * (a MySQL named lock). Migration files may hold several statements, so they
 * run on a dedicated connection with multipleStatements; the service's pool
 * never allows that. Returns how many were applied.
 */
export async function migrate(pool: Pool, settings: MysqlSettings, opts: MigrateOptions): Promise<number> {
  return withLock(pool, lockName(settings.database, 'migrate'), 60, async () => {
    const conn = await mysql.createConnection({ ...connectionOptions(settings.url), database: settings.database, multipleStatements: true });
    try {
      const postgrator = new Postgrator({
        migrationPattern: join(opts.dir, '*.sql').replace(/\\/g, '/'),
        driver: 'mysql',
        database: settings.database,
        schemaTable: opts.schemaTable,
        execQuery: async (query) => {
          const [rows] = await conn.query(query);
          return { rows: Array.isArray(rows) ? rows : [] };
        },
      });
      return (await postgrator.migrate()).length;
    } finally {
      await conn.end();
    }
  });
}
