export { connectionOptions, openPool, lockName, withLock, inTransaction, isLockConflict, type MysqlSettings } from './mysql.js';
export { migrate, migrationsDir, type MigrateOptions } from './migrate.js';
