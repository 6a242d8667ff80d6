import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/events/bus.js';
import { createEvent, type CloudEvent } from '../../src/events/cloudevent.js';
import { createOutbox } from '../../src/events/outbox/outbox.js';
import { OutboxRelay } from '../../src/events/outbox/relay.js';
import { migrateEventTables, outboxTableDdl } from '../../src/events/outbox/schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { eventually, uniqueName } from '../support/endpoints.js';
import { rabbitHarness } from './harness.js';
import { createTestDatabase, type BinderHarness } from './support.js';

// The relay's mechanics, against MariaDB and a live RabbitMQ bus (the
// contract suite covers relaying on both brokers).
describe('transactional outbox', () => {
  let h: BinderHarness;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let bus: EventBus;
  // Relays and buses a test started, closed after it (relays first).
  const closers: (() => Promise<void>)[] = [];
  const created: { topic: string; groups: string[] }[] = [];

  beforeAll(async () => {
    h = await rabbitHarness();
    db = await createTestDatabase();
    bus = h.createBus(h.settings());
    await bus.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const { topic, groups } of created.splice(0)) await h.cleanup(topic, groups);
  });
  afterAll(async () => {
    await bus?.close();
    await db?.drop();
    await h?.close();
  });

  /** A fresh outbox table and a consumer recording what arrives on a fresh topic. */
  async function setup() {
    const topic = uniqueName('outbox');
    const group = uniqueName('group');
    created.push({ topic, groups: [group] });
    const table = `outbox_${group.replace(/-/g, '_')}`;
    await migrateEventTables(db.pool, { outbox: table });
    const got: CloudEvent<{ n: number }>[] = [];
    const consumer = h.createBus(h.settings());
    consumer.subscribe<{ n: number }>(topic, group, async (e) => void got.push(e));
    await consumer.start();
    closers.push(() => consumer.close());
    return { topic, table, got, outbox: createOutbox({ table }) };
  }
  function relay(table: string, overrides: Partial<ReturnType<BinderHarness['settings']>['outbox']> = {}, registry = new Registry(), via = bus) {
    const r = new OutboxRelay({ pool: db.pool, bus: via, settings: { ...h.settings().outbox, table, ...overrides }, logger: silentLogger, registry });
    closers.unshift(() => r.close());
    return r;
  }
  async function inTransaction(work: (conn: PoolConnection) => Promise<void>, commit = true) {
    const conn = await db.pool.getConnection();
    try {
      await conn.beginTransaction();
      await work(conn);
      await (commit ? conn.commit() : conn.rollback());
    } finally {
      conn.release();
    }
  }
  const event = (subject: string, n: number) => createEvent({ type: 'order.created', source: 'outbox-test', subject, data: { n } });
  const count = async (table: string, where = '1=1') =>
    Number((await db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`))[0][0]?.['n']);

  it('creates its tables idempotently from the exported DDL', async () => {
    const table = `ddl_${uniqueName('t').replace(/-/g, '_')}`;
    await migrateEventTables(db.pool, { outbox: table });
    await migrateEventTables(db.pool, { outbox: table });
    expect(outboxTableDdl(table)).toContain(`CREATE TABLE IF NOT EXISTS \`${table}\``);
    expect(await count(table)).toBe(0);
  });

  it('publishes what a committed transaction added and nothing from one that rolled back', async () => {
    const { topic, table, got, outbox } = await setup();
    await inTransaction((conn) => outbox.add(conn, topic, event('order-1', 1)), false);
    await inTransaction((conn) => outbox.add(conn, topic, event('order-1', 2)));
    const r = relay(table);
    r.start();
    await eventually(() => (got.length === 1 ? true : undefined), 15_000, 'the committed event');
    expect(got.map((e) => e.data.n)).toEqual([2]);
    expect(await count(table)).toBe(1);
    await eventually(async () => ((await count(table, 'sent_at IS NULL')) === 0 ? true : undefined));
  });

  it('lets one relay publish at a time and hands over when the leader stops', async () => {
    const { topic, table, got, outbox } = await setup();
    const first = relay(table);
    const second = relay(table);
    first.start();
    await eventually(async () => ((await first.healthCheck().check()) as { leader: boolean }).leader || undefined);
    second.start();
    for (let n = 0; n < 10; n++) await inTransaction((conn) => outbox.add(conn, topic, event('order-1', n)));
    first.nudge();
    await eventually(() => (got.length === 10 ? true : undefined), 15_000, 'ten events');
    expect(((await second.healthCheck().check()) as { leader: boolean }).leader).toBe(false);

    await first.close();
    for (let n = 10; n < 20; n++) await inTransaction((conn) => outbox.add(conn, topic, event('order-1', n)));
    await eventually(() => (got.length === 20 ? true : undefined), 15_000, 'ten more events via the standby');
    expect(got.map((e) => e.data.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(((await second.healthCheck().check()) as { leader: boolean }).leader).toBe(true);
  });

  it('holds back a subject behind a row that cannot be published while other subjects flow', async () => {
    const { topic, table, got, outbox } = await setup();
    await db.pool.query(`INSERT INTO ${table} (event_id, topic, subject, event) VALUES ('broken-1', ?, 'order-x', '{truncated')`, [topic]);
    await inTransaction(async (conn) => {
      await outbox.add(conn, topic, event('order-x', 1));
      await outbox.add(conn, topic, event('order-y', 2));
    });
    relay(table).start();
    await eventually(() => (got.length === 1 ? true : undefined), 15_000, 'the other subject');
    await eventually(async () => {
      const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT attempts, last_error FROM ${table} WHERE event_id = 'broken-1'`);
      return Number(rows[0]?.['attempts']) > 0 ? rows[0] : undefined;
    });
    expect(got.map((e) => e.subject)).toEqual(['order-y']);
    expect(await count(table, "subject = 'order-x' AND sent_at IS NULL")).toBe(2);
  });

  it('deletes rows as soon as they are published when retention is 0', async () => {
    const { topic, table, got, outbox } = await setup();
    await inTransaction((conn) => outbox.add(conn, topic, event('order-1', 1)));
    relay(table, { retentionMs: 0 }).start();
    await eventually(() => (got.length === 1 ? true : undefined));
    await eventually(async () => ((await count(table)) === 0 ? true : undefined));
  });

  it('exposes the unsent backlog and the age of its oldest row as metrics while the broker is down', async () => {
    const { topic, table, outbox } = await setup();
    for (let n = 0; n < 3; n++) await inTransaction((conn) => outbox.add(conn, topic, event('order-1', n)));
    await db.pool.query(`UPDATE ${table} SET created_at = NOW(6) - INTERVAL 5 SECOND`);
    const down = h.createBus(h.unreachableSettings());
    await down.start();
    closers.push(() => down.close());
    const registry = new Registry();
    relay(table, {}, registry, down).start();
    const backlog = await eventually(async () => (await registry.getSingleMetric('nimbus_outbox_backlog')?.get())?.values[0]?.value || undefined);
    expect(backlog).toBe(3);
    const age = (await registry.getSingleMetric('nimbus_outbox_oldest_age_seconds')?.get())?.values[0]?.value ?? 0;
    expect(age).toBeGreaterThanOrEqual(5);
  });

  describe('with OpenTelemetry registered', () => {
    let provider: NodeTracerProvider;
    beforeAll(() => {
      provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
      provider.register();
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('stores the writing request’s trace with the row, so the consumer joins that trace', async () => {
      const { topic, table, got, outbox } = await setup();
      const traceId = await trace.getTracer('test').startActiveSpan('POST /orders', async (span) => {
        await inTransaction((conn) => outbox.add(conn, topic, event('order-1', 1)));
        span.end();
        return span.spanContext().traceId;
      });
      const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT event FROM ${table}`);
      expect((JSON.parse(String(rows[0]?.['event'])) as CloudEvent).traceparent).toContain(traceId);
      relay(table).start();
      const received = await eventually(() => got[0]);
      expect(received.traceparent).toContain(traceId);
    });
  });
});
