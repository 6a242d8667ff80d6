import type { Connection } from 'mysql2/promise';
import { assertValidEvent, encodeData, type CloudEvent } from '../cloudevent.js';
import { EVENT_INVALID } from '../errors.js';
import { assertTopic } from '../subscription.js';
import { traceFields } from '../trace.js';
import { tableName } from './schema.js';

export interface Outbox {
  /**
   * Writes the event on the caller's connection, so it commits or rolls back
   * with the caller's transaction. Call it inside that transaction, after the
   * state change it announces; nudge the relay after commit for low latency.
   */
  add(conn: Connection, topic: string, event: CloudEvent): Promise<void>;
}

const MAX_KEY = 191;

export function createOutbox(opts: { table?: string } = {}): Outbox {
  const table = tableName(opts.table ?? 'nimbus_outbox');
  const sql = `INSERT INTO ${table} (event_id, topic, subject, event) VALUES (?, ?, ?, ?)`;
  return {
    async add(conn, topic, event) {
      assertTopic(topic);
      assertValidEvent(event);
      encodeData(event);
      if (event.id.length > MAX_KEY || event.subject.length > MAX_KEY) throw EVENT_INVALID(`id and subject may be at most ${MAX_KEY} characters in the outbox`);
      // The request's trace travels with the row, so the consumer's span joins
      // the trace of the request that caused the event, not the relay's.
      const stored = event.traceparent ? event : { ...event, ...traceFields() };
      await conn.execute(sql, [event.id, topic, event.subject, JSON.stringify(stored)]);
    },
  };
}
