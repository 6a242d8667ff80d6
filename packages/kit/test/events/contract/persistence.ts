import { expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2/promise';
import { createProcessedStore, idempotent } from '../../../src/events/idempotency.js';
import { createOutbox } from '../../../src/events/outbox/outbox.js';
import { OutboxRelay } from '../../../src/events/outbox/relay.js';
import { migrateEventTables } from '../../../src/events/outbox/schema.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { eventually } from '../../support/endpoints.js';
import { testDeps } from '../support.js';
import type { ContractContext } from './context.js';

/** Idempotent consumption and the transactional outbox, with MariaDB. */
export function persistenceCases(c: ContractContext): void {
  it('applies a duplicate delivery once with the processed-message store', async () => {
    const { topic, group } = c.names();
    const table = `stock_${group.replace(/-/g, '_')}`;
    await c.db.pool.query(`CREATE TABLE ${table} (sku VARCHAR(32) PRIMARY KEY, reserved INT NOT NULL)`);
    await c.db.pool.query(`INSERT INTO ${table} VALUES ('sku-1', 0)`);
    const store = createProcessedStore(c.db.pool);
    const b = c.bus();
    const outcomes: string[] = [];
    b.subscribe(topic, group, async (e, ctx) => {
      outcomes.push(await store.runOnce(ctx.group, e.id, (conn) => conn.execute(`UPDATE ${table} SET reserved = reserved + 1 WHERE sku = 'sku-1'`).then(() => undefined)));
    });
    await b.start();
    const once = c.event('order-1', { sku: 'sku-1' });
    await b.publish(topic, once);
    await b.publish(topic, once); // the same event id again: a redelivery
    await eventually(() => (outcomes.length === 2 ? true : undefined), 30_000, 'both deliveries');
    expect(outcomes).toEqual(['applied', 'duplicate']);
    const [rows] = await c.db.pool.query<RowDataPacket[]>(`SELECT reserved FROM ${table}`);
    expect(rows[0]?.['reserved']).toBe(1);
  });

  it('applies an event once through the idempotent handler wrapper, even when its first try failed', async () => {
    const { topic, group } = c.names();
    const table = `ledger_${group.replace(/-/g, '_')}`;
    await c.db.pool.query(`CREATE TABLE ${table} (event_id VARCHAR(64) NOT NULL, attempt INT NOT NULL)`);
    const store = createProcessedStore(c.db.pool);
    const b = c.bus();
    const handler = idempotent(store, async (e, ctx, conn) => {
      await conn.execute(`INSERT INTO ${table} VALUES (?, ?)`, [e.id, ctx.attempt]);
      // Fails after writing: the write and the processed record roll back together.
      if (ctx.attempt === 1) throw new Error('failed after writing');
    });
    const completed: number[] = [];
    b.subscribe(topic, group, async (e, ctx) => {
      await handler(e, ctx);
      completed.push(ctx.attempt);
    });
    await b.start();
    const e = c.event('order-1', {});
    await b.publish(topic, e);
    await eventually(() => (completed.length === 1 ? true : undefined), 30_000, 'the retried delivery');
    await b.publish(topic, e);
    await eventually(() => (completed.length === 2 ? true : undefined), 30_000, 'the duplicate delivery');
    expect(completed).toEqual([2, 1]);
    const [rows] = await c.db.pool.query<RowDataPacket[]>(`SELECT attempt FROM ${table}`);
    expect(rows.map((r) => r['attempt'])).toEqual([2]);
  });

  it('relays outbox rows written while the broker was unreachable, in order, once it is reachable', async () => {
    const { topic, group } = c.names();
    const consumer = c.bus();
    const seen = new Map<string, number[]>();
    consumer.subscribe<{ n: number }>(topic, group, async (e) => void seen.set(e.subject, [...(seen.get(e.subject) ?? []), e.data.n]));
    await consumer.start();

    const table = `outbox_${group.replace(/-/g, '_')}`;
    await migrateEventTables(c.db.pool, { outbox: table });
    const outbox = createOutbox({ table });
    const down = c.bus(c.h.unreachableSettings());
    await down.start();
    const downDeps = testDeps();
    const relaySettings = { ...c.h.settings().outbox, table };
    const stuck = new OutboxRelay({ pool: c.db.pool, bus: down, settings: relaySettings, logger: silentLogger, registry: downDeps.registry });
    stuck.start();

    for (let n = 0; n < 12; n++) {
      const conn = await c.db.pool.getConnection();
      await conn.beginTransaction();
      await outbox.add(conn, topic, c.event(n % 2 ? 'order-odd' : 'order-even', { n }));
      await conn.commit();
      conn.release();
      stuck.nudge();
    }
    // The stuck relay tried the head of each subject, failed, and left every row in place.
    await eventually(async () => {
      const [rows] = await c.db.pool.query<RowDataPacket[]>(`SELECT subject, MAX(attempts) AS tried FROM ${table} WHERE sent_at IS NULL GROUP BY subject`);
      return rows.length === 2 && rows.every((r) => Number(r['tried']) > 0) ? true : undefined;
    }, 30_000, 'failed publish attempts');
    const [unsent] = await c.db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE sent_at IS NULL`);
    expect(Number(unsent[0]?.['n'])).toBe(12);
    // The gauge is refreshed each round, so it catches up with the last rows a round later.
    await eventually(async () => ((await downDeps.registry.getSingleMetric('nimbus_outbox_backlog')?.get())?.values[0]?.value === 12 ? true : undefined), 10_000, 'backlog of 12');
    await stuck.close();

    // A new relay (a restart) with a working bus: the table is all the state it needs.
    const upDeps = testDeps();
    const up = c.bus(c.h.settings(), upDeps);
    await up.start();
    const relay = new OutboxRelay({ pool: c.db.pool, bus: up, settings: relaySettings, logger: silentLogger, registry: upDeps.registry });
    relay.start();
    try {
      await eventually(() => ([...seen.values()].flat().length >= 12 ? true : undefined), 30_000, 'all 12 events');
      expect(seen.get('order-even')).toEqual([0, 2, 4, 6, 8, 10]);
      expect(seen.get('order-odd')).toEqual([1, 3, 5, 7, 9, 11]);
      await eventually(async () => {
        const [rows] = await c.db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE sent_at IS NULL`);
        return Number(rows[0]?.['n']) === 0 ? true : undefined;
      }, 10_000, 'rows marked sent');
      await eventually(async () => ((await upDeps.registry.getSingleMetric('nimbus_outbox_backlog')?.get())?.values[0]?.value === 0 ? true : undefined));
    } finally {
      await relay.close();
    }
  });
}
