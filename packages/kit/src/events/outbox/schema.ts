import type { Connection, Pool } from 'mysql2/promise';
import { CONFIG_INVALID } from '../../errors/catalogue.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A table name checked to be a plain identifier, back-quoted (it is interpolated into SQL). */
export function tableName(name: string): string {
  if (!IDENTIFIER.test(name)) throw CONFIG_INVALID(`table name "${name}" must be a plain SQL identifier`);
  return `\`${name}\``;
}

/**
 * The outbox: one row per event, written in the business transaction, read
 * in `seq` order by the relay. The event is stored whole (CloudEvent JSON,
 * trace context included) so the relay needs nothing else. LONGTEXT rather
 * than JSON: MariaDB's JSON is LONGTEXT anyway and MySQL's would reorder keys.
 * (sent_at, seq) serves both "unsent in order" and the retention purge.
 */
export function outboxTableDdl(table = 'nimbus_outbox'): string {
  const t = tableName(table);
  return `CREATE TABLE IF NOT EXISTS ${t} (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id VARCHAR(191) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  subject VARCHAR(191) NOT NULL,
  event LONGTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at DATETIME(6) NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  last_error VARCHAR(1000) NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY ${table}_event_id (event_id),
  KEY ${table}_unsent (sent_at, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}

/**
 * Events a consumer group has applied. The primary key makes a second
 * insert of the same (group, id) wait for the first transaction and then
 * fail, which is what turns a concurrent duplicate delivery into a no-op.
 */
export function processedEventsTableDdl(table = 'nimbus_processed_events'): string {
  const t = tableName(table);
  return `CREATE TABLE IF NOT EXISTS ${t} (
  consumer_group VARCHAR(191) NOT NULL,
  message_id VARCHAR(191) NOT NULL,
  processed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (consumer_group, message_id),
  KEY ${table}_processed_at (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}

/**
 * Creates both tables if missing. Services with a migration tool should copy
 * the DDL into their own migrations instead; this is for those without one
 * and for tests.
 */
export async function migrateEventTables(db: Pool | Connection, tables: { outbox?: string; processed?: string } = {}): Promise<void> {
  await db.query(outboxTableDdl(tables.outbox));
  await db.query(processedEventsTableDdl(tables.processed));
}
