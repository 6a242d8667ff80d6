import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import TransportStream from 'winston-transport';
import { flatten } from '../config/flatten.js';
import { resolveSettings } from '../config/settings.js';
import { CONFIG_INVALID } from '../errors/catalogue.js';
import type { DeepPartial } from '../telemetry/settings.js';
import { BoundedQueue, type BulkEntry } from './bounded-queue.js';
import { bulkEntry, bulkOutcome, indexName } from './bulk.js';
import { redactString } from './redact.js';
import { LogShippingSettings } from './settings.js';
import { ShipperMetrics, type DropReason } from './shipper-metrics.js';

const ShippingOnly = Type.Object({ shipping: LogShippingSettings });

/** Shipping settings as callers may give them (the rest default), and whose logs these are. */
export type ShipperOptions = DeepPartial<LogShippingSettings> & { serviceName: string };

// winston's formatted line (triple-beam's MESSAGE, a registered symbol).
const MESSAGE = Symbol.for('message');

export interface ShipperDeps {
  /** Registry for nimbus_log_shipper_* metrics (the service's /metrics registry). */
  registry?: Registry;
  /** Told (at most once a minute per kind) why documents are not arriving; default: a line on stderr. */
  report?: (problem: string) => void;
}

export interface ShipperStats {
  queued: number;
  queuedBytes: number;
  shipped: number;
  dropped: Readonly<Record<DropReason, number>>;
  failedRequests: number;
}

/**
 * A winston transport that ships ECS documents to Elasticsearch with `_bulk`
 * (plain HTTP, so ES 7.10, OpenSearch 2, ES 8 and Logstash all work; see
 * bulk.ts for the index naming).
 *
 * Logging never waits for it: `log()` queues the already-formatted line and
 * returns. The queue is bounded by documents and bytes; when Elasticsearch
 * is down or slow the oldest documents are dropped and counted in
 * `nimbus_log_shipper_dropped_total{reason}`. One request is in flight at a
 * time; failures back off exponentially (with jitter, honouring
 * Retry-After). Nothing it does throws into the app. `close()` sends what is
 * buffered within `closeTimeoutMs` and counts the rest as dropped.
 */
export class ElasticsearchShipper extends TransportStream {
  readonly #settings: LogShippingSettings;
  readonly #service: string;
  readonly #endpoint: string;
  readonly #headers: Record<string, string>;
  readonly #queue: BoundedQueue;
  readonly #metrics: ShipperMetrics;
  readonly #report: (problem: string) => void;
  readonly #lastReported = new Map<string, number>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #pausedUntil = 0;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(options: ShipperOptions, deps: ShipperDeps = {}) {
    super();
    const { serviceName, ...rest } = options;
    const settings = resolveSettings(ShippingOnly, flatten({ shipping: rest })).shipping;
    this.#settings = settings;
    this.#service = serviceName;
    const url = parseUrl(settings.url);
    this.#headers = { 'content-type': 'application/x-ndjson' };
    if (url.username || url.password) {
      // fetch() refuses URLs with credentials; send them as basic auth instead.
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.#headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    // filter_path keeps Elasticsearch's answer small: per-item status and error only.
    this.#endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason`;
    this.#queue = new BoundedQueue(settings.maxQueue, settings.maxQueueBytes);
    this.#metrics = new ShipperMetrics(deps.registry);
    this.#report = deps.report ?? ((p) => void process.stderr.write(`nimbus log shipper: ${p}\n`));
    if (settings.enabled) {
      this.#timer = setInterval(() => this.#pump(), settings.flushIntervalMs);
      this.#timer.unref();
    }
  }

  override log(info: unknown, next: () => void): void {
    try {
      this.#enqueue(info as Record<string | symbol, unknown>);
    } catch (err) {
      this.#problem('enqueue', `could not queue a log document: ${String(err)}`);
    }
    next();
  }

  /** Sends everything buffered, waiting out back-off, for at most `timeoutMs`. */
  async flush(timeoutMs = this.#settings.closeTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.#queue.length > 0 || this.#inFlight) && Date.now() < deadline) {
      if (this.#inFlight) await raceDeadline(this.#inFlight, deadline);
      else if (Date.now() < this.#pausedUntil) await sleep(Math.min(this.#pausedUntil, deadline) - Date.now());
      else {
        this.#pump(true);
        if (!this.#inFlight) break; // stopped: nothing more can be sent
      }
    }
  }

  /** winston calls this when the logger closes; `shutdown()` is the awaitable form. */
  override close(): void {
    void this.shutdown();
  }

  /** Stops intake, flushes within `closeTimeoutMs` (or `timeoutMs`), drops and counts what is left. Safe to call twice. */
  shutdown(timeoutMs = this.#settings.closeTimeoutMs): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      this.#timer = undefined;
      // Documents logged while flushing are still taken (the shutdown's own log lines).
      await this.flush(timeoutMs);
      this.#closed = true;
      this.#stop.abort();
      if (this.#inFlight) await this.#inFlight;
      this.#drop('shutdown', this.#queue.clear());
    })();
    return this.#closing;
  }

  get stats(): ShipperStats {
    return { queued: this.#queue.length, queuedBytes: this.#queue.bytes, ...this.#metrics.totals() };
  }

  #enqueue(info: Record<string | symbol, unknown>): void {
    const document = info[MESSAGE];
    if (typeof document !== 'string' || !this.#settings.enabled) return;
    if (this.#closed) return this.#drop('closed', 1);
    const entry = bulkEntry(indexName(this.#settings.indexPrefix, this.#service, info['@timestamp']), document);
    if (entry.bytes > this.#settings.maxDocumentBytes) {
      this.#problem('too_large', `dropped a ${entry.bytes}-byte log document (logging.shipping.maxDocumentBytes is ${this.#settings.maxDocumentBytes})`);
      return this.#drop('too_large', 1);
    }
    this.#drop('queue_full', this.#queue.push(entry));
    this.#metrics.queueSize(this.#queue.length);
    if (this.#queue.length >= this.#settings.batchSize) this.#pump();
  }

  /** Starts one _bulk request unless one is running, the queue is empty or we are backing off. */
  #pump(force = false): void {
    if (this.#inFlight || this.#queue.length === 0 || this.#stop.signal.aborted) return;
    if (!force && Date.now() < this.#pausedUntil) return;
    const batch = this.#queue.take(this.#settings.batchSize, this.#settings.maxBatchBytes);
    this.#metrics.queueSize(this.#queue.length);
    this.#inFlight = this.#send(batch)
      .catch((err: unknown) => this.#problem('internal', `unexpected shipper error: ${String(err)}`))
      .finally(() => {
        this.#inFlight = undefined;
        // Keep draining a backlog without waiting for the next tick.
        if (this.#queue.length >= this.#settings.batchSize) this.#pump();
      });
  }

  async #send(batch: BulkEntry[]): Promise<void> {
    let response: Response;
    try {
      // Never traced: a span per shipment would be noise in Zipkin and, sent
      // from inside a request's context, would land in that request's trace.
      response = await context.with(suppressTracing(ROOT_CONTEXT), () =>
        fetch(this.#endpoint, {
          method: 'POST',
          headers: this.#headers,
          body: batch.map((e) => e.lines).join(''),
          signal: AbortSignal.any([AbortSignal.timeout(this.#settings.requestTimeoutMs), this.#stop.signal]),
        }),
      );
    } catch (err) {
      // Aborted by shutdown: back in the queue, counted there as dropped.
      if (this.#stop.signal.aborted) return void this.#queue.requeue(batch);
      return this.#retryLater(batch, 'network', `POST ${this.#settings.url}/_bulk failed: ${describe(err)}`);
    }
    const body = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500) {
      return this.#retryLater(batch, `http_${response.status}`, `_bulk answered ${response.status}: ${body.slice(0, 200)}`, response.headers.get('retry-after'));
    }
    if (!response.ok) {
      // 4xx for the whole request (bad auth, 413): sending it again cannot help.
      this.#metrics.failedRequest(`http_${response.status}`);
      this.#problem(`http_${response.status}`, `_bulk refused ${batch.length} documents with ${response.status}: ${body.slice(0, 300)}`);
      return this.#drop('rejected', batch.length);
    }
    const outcome = bulkOutcome(batch, body);
    this.#failures = 0;
    this.#pausedUntil = 0;
    this.#metrics.shipped(outcome.shipped);
    if (outcome.rejected > 0) {
      this.#problem('rejected', `Elasticsearch rejected ${outcome.rejected} documents, first: ${outcome.firstRejection ?? 'unknown'}`);
      this.#drop('rejected', outcome.rejected);
    }
    if (outcome.retry.length > 0) this.#retryLater(outcome.retry, 'item_busy', `${outcome.retry.length} documents refused as busy (429/503), retrying`);
  }

  #retryLater(batch: BulkEntry[], reason: string, problem: string, retryAfter?: string | null): void {
    this.#metrics.failedRequest(reason);
    this.#problem(reason, problem);
    this.#failures++;
    const ceiling = Math.min(this.#settings.backoff.maxMs, this.#settings.backoff.initialMs * 2 ** Math.min(this.#failures - 1, 30));
    // Equal jitter: never a hot loop, and instances restarted together spread out.
    let pause = ceiling / 2 + Math.random() * (ceiling / 2);
    const hinted = Number(retryAfter);
    if (Number.isFinite(hinted) && hinted > 0) pause = Math.min(Math.max(pause, hinted * 1000), this.#settings.backoff.maxMs);
    this.#pausedUntil = Date.now() + pause;
    this.#drop('queue_full', this.#queue.requeue(batch));
    this.#metrics.queueSize(this.#queue.length);
  }

  #drop(reason: DropReason, count: number): void {
    this.#metrics.dropped(reason, count);
  }

  #problem(kind: string, message: string): void {
    const now = Date.now();
    if ((this.#lastReported.get(kind) ?? -Infinity) > now - 60_000) return;
    this.#lastReported.set(kind, now);
    try {
      this.#report(message);
    } catch {
      // A reporter that throws must not take logging down with it.
    }
  }
}

function parseUrl(raw: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw CONFIG_INVALID(`logging.shipping.url must be an http(s) URL such as http://127.0.0.1:9200, got '${redactString(raw)}'`);
  }
  return url;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.name} ${err.message}${cause}`;
  }
  return String(err);
}

/** Referenced on purpose: used only while flushing, which is bounded, and must not let the process exit mid-flush. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function raceDeadline(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  } finally {
    clearTimeout(timer);
  }
}
