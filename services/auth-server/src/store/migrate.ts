import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql, { type Pool } from 'mysql2/promise';
import Postgrator from 'postgrator';
import { connectionOptions, lockName, withLock, type MysqlSettings } from './db.js';

/** migrations/ at the package root, found from here whether running from src/ (tests) or dist/src/ (built). */
export function migrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'migrations');
    if (dirname(dir) === dir) throw new Error('auth-server package root (package.json) not found above ' + from);
  }
}

/**
 * Applies pending SQL migrations with postgrator, one instance at a time.
 * Migration files may hold several statements, so they run on a dedicated
 * connection with multipleStatements; the service's pool never allows that.
 */
export async function migrate(pool: Pool, settings: MysqlSettings): Promise<number> {
  return withLock(pool, lockName(settings.database, 'migrate'), 60, async () => {
    const conn = await mysql.createConnection({ ...connectionOptions(settings.url), database: settings.database, multipleStatements: true });
    try {
      const postgrator = new Postgrator({
        migrationPattern: join(migrationsDir(), '*.sql').replace(/\\/g, '/'),
        driver: 'mysql',
        database: settings.database,
        schemaTable: 'auth_schema_version',
        execQuery: async (query) => {
          const [rows] = await conn.query(query);
          return { rows: Array.isArray(rows) ? rows : [] };
        },
      });
      const applied = await postgrator.migrate();
      return applied.length;
    } finally {
      await conn.end();
    }
  });
}
