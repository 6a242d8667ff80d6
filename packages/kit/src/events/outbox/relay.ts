import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Registry } from 'prom-client';
import { isProblemError } from '../../errors/problem.js';
import type { HealthCheck } from '../../health/index.js';
import type { Logger } from '../../logging/logger.js';
import { jitteredDelay } from '../backoff.js';
import type { EventBus } from '../bus.js';
import type { CloudEvent } from '../cloudevent.js';
import { describeError } from '../dispatch.js';
import { EVENT_INVALID } from '../errors.js';
import { outboxMetrics, type OutboxMetrics } from '../metrics.js';
import type { OutboxSettings } from '../settings.js';
import { LeaderLock } from './leader-lock.js';
import { tableName } from './schema.js';

export interface OutboxRelayOptions {
  /** Needs two connections: one holds the leader lock while the relay runs. */
  pool: Pool;
  bus: Pick<EventBus, 'publish'>;
  settings: OutboxSettings;
  logger: Logger;
  registry: Registry;
}

interface Row {
  seq: number;
  topic: string;
  subject: string;
  event: string;
}

interface RoundResult {
  rows: number;
  /** A publish failed in a way that may pass (broker down): back off before the next round. */
  brokerTrouble: boolean;
}

const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

/**
 * Publishes outbox rows through the bus, oldest first, and marks them sent.
 * All state is in the table, so a restart resumes where it stopped; a row is
 * marked only after the broker confirmed it, so a crash in between publishes
 * it again (consumers deduplicate on the event id). Rows of one subject go
 * out strictly in order: the first failure stops that subject for the round.
 */
export class OutboxRelay {
  readonly #opts: OutboxRelayOptions;
  readonly #table: string;
  readonly #lock: LeaderLock;
  readonly #metrics: OutboxMetrics;
  readonly #logger: Logger;
  #loop: Promise<void> | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  #nudged = false;
  #failures = 0;
  #lastError: string | undefined;
  #lastPurge = 0;

  constructor(opts: OutboxRelayOptions) {
    this.#opts = opts;
    this.#table = tableName(opts.settings.table);
    this.#lock = new LeaderLock(opts.pool, opts.settings.table);
    this.#metrics = outboxMetrics(opts.registry);
    this.#logger = opts.logger.child({ component: 'outbox-relay', table: opts.settings.table });
  }

  start(): void {
    if (this.#loop || this.#closed) return;
    this.#loop = this.#run();
  }

  /** Look for rows now (call after committing a transaction that added some). Ignored while backing off. */
  nudge(): void {
    this.#nudged = true;
    if (this.#failures === 0) this.#wake?.();
  }

  /** Finishes the current round, releases the leader lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    await this.#loop;
    await this.#lock.release();
  }

  /** Not critical for readiness (events wait safely in the table), but shows a stuck relay. */
  healthCheck(): HealthCheck {
    return {
      name: 'outbox',
      critical: false,
      check: async () => {
        if (this.#failures > 0) throw new Error(`outbox relay failing (${this.#failures} rounds): ${this.#lastError ?? 'unknown'}`);
        return { leader: this.#lock.held, backlog: (await this.#metrics.backlog.get()).values[0]?.value ?? 0 };
      },
    };
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      // A nudge from here on (during the round) earns another round at once.
      this.#nudged = false;
      let delay = this.#opts.settings.pollIntervalMs;
      try {
        if (await this.#lock.acquire()) {
          const round = await this.#round();
          await this.#refreshBacklog();
          await this.#purge();
          if (round.brokerTrouble) delay = this.#failed('publishing failed');
          else {
            this.#failures = 0;
            this.#lastError = undefined;
            if (round.rows === this.#opts.settings.batchSize) delay = 0;
          }
        } else {
          await this.#refreshBacklog();
        }
      } catch (err) {
        await this.#lock.release();
        delay = this.#failed(describeError(err));
        this.#logger.warn('outbox relay round failed; backing off', { err: this.#lastError, retryInMs: delay });
      }
      await this.#sleep(delay);
    }
  }

  #failed(error: string): number {
    this.#failures++;
    this.#lastError ??= error;
    return jitteredDelay(this.#failures, this.#opts.settings.backoff);
  }

  async #round(): Promise<RoundResult> {
    const { pool, settings } = this.#opts;
    const [rows] = await pool.query<(Row & RowDataPacket)[]>(
      `SELECT seq, topic, subject, event FROM ${this.#table} WHERE sent_at IS NULL ORDER BY seq LIMIT ?`,
      [settings.batchSize],
    );
    if (rows.length === 0) return { rows: 0, brokerTrouble: false };
    const bySubject = new Map<string, Row[]>();
    for (const row of rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);

    const sent: number[] = [];
    let brokerTrouble = false;
    // Subjects in parallel, each subject's rows strictly one after another.
    await Promise.all(
      [...bySubject.values()].map(async (subjectRows) => {
        for (const row of subjectRows) {
          try {
            await this.#opts.bus.publish(row.topic, parseRow(row));
            sent.push(row.seq);
          } catch (err) {
            const retryable = !isProblemError(err) || err.retryable;
            brokerTrouble ||= retryable;
            this.#lastError = describeError(err);
            await this.#recordFailure(row, this.#lastError, retryable);
            return;
          }
        }
      }),
    );
    await this.#markSent(sent);
    return { rows: rows.length, brokerTrouble };
  }

  async #markSent(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    const sql =
      this.#opts.settings.retentionMs === 0
        ? `DELETE FROM ${this.#table} WHERE seq IN (?)`
        : `UPDATE ${this.#table} SET sent_at = NOW(6) WHERE seq IN (?)`;
    await this.#opts.pool.query(sql, [seqs]);
    this.#metrics.relayed.inc(seqs.length);
  }

  async #recordFailure(row: Row, error: string, retryable: boolean): Promise<void> {
    const log = retryable ? this.#logger.warn.bind(this.#logger) : this.#logger.error.bind(this.#logger);
    log(retryable ? 'could not publish an outbox row; will retry' : 'an outbox row cannot be published; its subject is blocked until it is fixed', {
      seq: row.seq,
      topic: row.topic,
      subject: row.subject,
      err: error,
    });
    await this.#opts.pool
      .query(`UPDATE ${this.#table} SET attempts = attempts + 1, last_error = ? WHERE seq = ?`, [error.slice(0, 1000), row.seq])
      .catch(() => undefined);
  }

  async #refreshBacklog(): Promise<void> {
    const [rows] = await this.#opts.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(6)), 0) AS age FROM ${this.#table} WHERE sent_at IS NULL`,
    );
    this.#metrics.backlog.set(Number(rows[0]?.['n'] ?? 0));
    this.#metrics.oldestAgeSeconds.set(Number(rows[0]?.['age'] ?? 0) / 1e6);
  }

  async #purge(): Promise<void> {
    const { retentionMs } = this.#opts.settings;
    if (retentionMs === 0 || Date.now() - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = Date.now();
    await this.#opts.pool.query(
      `DELETE FROM ${this.#table} WHERE sent_at IS NOT NULL AND sent_at < NOW(6) - INTERVAL ? MICROSECOND LIMIT ${PURGE_BATCH}`,
      [retentionMs * 1000],
    );
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (ms === 0 || (this.#nudged && this.#failures === 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

function parseRow(row: Row): CloudEvent {
  try {
    return JSON.parse(row.event) as CloudEvent;
  } catch (err) {
    // Not retryable: the row will not parse next time either.
    throw EVENT_INVALID({ detail: `outbox row ${row.seq} does not hold JSON: ${(err as Error).message}`, cause: err });
  }
}
