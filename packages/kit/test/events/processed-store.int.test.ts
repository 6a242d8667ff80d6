import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessedStore, type ProcessedStore } from '../../src/events/idempotency.js';
import { migrateEventTables } from '../../src/events/outbox/schema.js';
import { uniqueName } from '../support/endpoints.js';
import { createTestDatabase } from './support.js';

describe('processed-message store (MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: ProcessedStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateEventTables(db.pool);
    await db.pool.query('CREATE TABLE effects (event_id VARCHAR(64) NOT NULL, consumer_group VARCHAR(64) NOT NULL)');
    store = createProcessedStore(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const effects = async (eventId: string) =>
    (await db.pool.query<RowDataPacket[]>('SELECT consumer_group FROM effects WHERE event_id = ? ORDER BY consumer_group', [eventId]))[0].map((r) => r['consumer_group']);
  const apply = (group: string, eventId: string, pauseMs = 0) =>
    store.runOnce(group, eventId, async (conn) => {
      await conn.execute('INSERT INTO effects VALUES (?, ?)', [eventId, group]);
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    });

  it('lets exactly one of two concurrent deliveries of an event apply it', async () => {
    const id = uniqueName('event');
    // The first holds its transaction open; the second waits on its row lock, then sees the record.
    const results = await Promise.all([apply('billing', id, 300), apply('billing', id)]);
    expect(results.sort()).toEqual(['applied', 'duplicate']);
    expect(await effects(id)).toEqual(['billing']);
  });

  it('records nothing when the work fails, so the redelivery applies it', async () => {
    const id = uniqueName('event');
    const failing = store.runOnce('billing', id, async (conn) => {
      await conn.execute('INSERT INTO effects VALUES (?, ?)', [id, 'billing']);
      throw new Error('handler failed after writing');
    });
    await expect(failing).rejects.toThrow('handler failed after writing');
    expect(await effects(id)).toEqual([]);
    expect(await apply('billing', id)).toBe('applied');
    expect(await effects(id)).toEqual(['billing']);
  });

  it('keeps consumer groups apart: each group applies the same event once', async () => {
    const id = uniqueName('event');
    expect(await apply('billing', id)).toBe('applied');
    expect(await apply('shipping', id)).toBe('applied');
    expect(await apply('billing', id)).toBe('duplicate');
    expect(await effects(id)).toEqual(['billing', 'shipping']);
  });

  it('purges records older than the given age and keeps newer ones', async () => {
    const [old, recent] = [uniqueName('old'), uniqueName('recent')];
    await apply('purge-test', old);
    await apply('purge-test', recent);
    await db.pool.query("UPDATE nimbus_processed_events SET processed_at = NOW(6) - INTERVAL 2 DAY WHERE message_id = ?", [old]);
    expect(await store.purge(24 * 3_600_000)).toBeGreaterThanOrEqual(1);
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT message_id FROM nimbus_processed_events WHERE consumer_group = 'purge-test'");
    expect(rows.map((r) => r['message_id'])).toEqual([recent]);
  });
});
