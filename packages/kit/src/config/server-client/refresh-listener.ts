import { connect, type Channel, type ChannelModel, type ConsumeMessage, type RecoveringChannelModel } from 'amqplib';
import type { HealthCheck } from '../../health/registry.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { ConfigClientSettings } from './settings.js';

/** What the listener refreshes: a ConfigStore (only `refresh()` is used). */
export interface Refreshable {
  refresh(): Promise<string[]>;
}

export interface RefreshListenerOptions {
  settings: ConfigClientSettings;
  application: string;
  store: Refreshable;
  logger?: Logger;
  /** Called while the source is degraded, to decide whether to probe the server (recoveryIntervalMs). */
  degraded?: () => boolean;
}

export const REFRESH_EVENT_TYPE = 'config.refresh';

export interface RefreshNotice {
  id: string | undefined;
  applications: string[];
  commit: string | undefined;
}

/**
 * Reads a refresh event in either CloudEvents mode: structured (the whole
 * event as JSON, what the config server sends) or binary (attributes as
 * `cloudEvents:*` headers, data as the body, what the kit's EventBus sends),
 * so swapping the server's publisher for the EventBus needs no change here.
 */
export function readRefreshEvent(msg: Pick<ConsumeMessage, 'content' | 'properties'>): RefreshNotice | undefined {
  let body: unknown;
  try {
    body = JSON.parse(msg.content.toString('utf8'));
  } catch {
    return undefined;
  }
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const header = (name: string) => {
    const v = headers[`cloudEvents:${name}`] ?? headers[`cloudEvents_${name}`];
    return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  };
  const structured = typeof body === 'object' && body !== null && (body as { specversion?: unknown }).specversion !== undefined;
  const type = structured ? (body as { type?: unknown }).type : (header('type') ?? msg.properties.type);
  if (type !== REFRESH_EVENT_TYPE) return undefined;
  const data = (structured ? (body as { data?: unknown }).data : body) as { applications?: unknown; commit?: unknown } | undefined;
  const applications = Array.isArray(data?.applications) ? data.applications.filter((a): a is string => typeof a === 'string') : [];
  const id = structured ? (body as { id?: unknown }).id : header('id');
  return { id: typeof id === 'string' ? id : undefined, applications, commit: typeof data?.commit === 'string' ? data.commit : undefined };
}

/** Whether an event naming these applications concerns this one (`*` = all, Spring's bus destination). */
export function concerns(applications: readonly string[], application: string): boolean {
  return applications.includes('*') || applications.includes(application);
}

/**
 * Subscribes this instance to config.refresh events (a server-named,
 * exclusive, auto-deleted queue: every instance gets every event) and calls
 * `store.refresh()` when one names its application or `*`, so per-key
 * subscribers apply new values live. Events close together cause one
 * refresh. Reconnects by itself when the broker goes away. While the source
 * is degraded (booted from its copy) it also probes on recoveryIntervalMs.
 */
export class ConfigRefreshListener {
  readonly #o: RefreshListenerOptions;
  readonly #logger: Logger;
  #model: RecoveringChannelModel | undefined;
  #channel: Channel | undefined;
  #timer: NodeJS.Timeout | undefined;
  #recovery: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #ready: Promise<void>;
  #markReady!: () => void;
  #lastError: string | undefined;

  private constructor(opts: RefreshListenerOptions) {
    this.#o = opts;
    this.#logger = (opts.logger ?? silentLogger).child({ 'config.application': opts.application });
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
  }

  /** Starts listening in the background; the broker being down never fails the boot. */
  static async start(opts: RefreshListenerOptions): Promise<ConfigRefreshListener> {
    const listener = new ConfigRefreshListener(opts);
    const { exchange, routingKey, rabbitmqUrl } = opts.settings.refresh;
    const model = await connect(rabbitmqUrl, {
      clientProperties: { connection_name: `${opts.application} config refresh listener` },
      recovery: {
        waitForConnect: false,
        initialDelay: 500,
        maxDelay: 30_000,
        setup: async (conn: ChannelModel) => {
          const channel = await conn.createChannel();
          channel.on('error', (err: Error) => (listener.#lastError = err.message));
          channel.on('close', () => {
            if (listener.#channel === channel) listener.#channel = undefined;
          });
          await channel.assertExchange(exchange, 'topic', { durable: true });
          const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
          await channel.bindQueue(queue, exchange, routingKey);
          await channel.consume(queue, (msg) => msg && listener.#onMessage(channel, msg), { noAck: false });
          listener.#channel = channel;
          listener.#lastError = undefined;
          listener.#logger.info('listening for configuration refresh events', { 'messaging.destination.name': exchange });
          listener.#markReady();
        },
      },
    });
    model.on('error', (err: Error) => (listener.#lastError = err.message));
    model.on('disconnect', (err: Error) => {
      listener.#lastError = err.message;
      listener.#logger.warn('refresh listener lost the broker; reconnecting', { 'error.message': err.message });
    });
    model.on('reconnect-scheduled', (info: { attempt: number; error: Error }) => {
      listener.#lastError = info.error.message;
    });
    listener.#model = model;
    if (opts.degraded && opts.settings.recoveryIntervalMs > 0) {
      listener.#recovery = setInterval(() => {
        if (opts.degraded?.()) listener.#schedule('recovery probe');
      }, opts.settings.recoveryIntervalMs);
      listener.#recovery.unref();
    }
    return listener;
  }

  /** Resolves once the queue is bound (events published from then on are received). */
  ready(): Promise<void> {
    return this.#ready;
  }

  #onMessage(channel: Channel, msg: ConsumeMessage): void {
    // A refresh is idempotent and re-reads everything: acknowledge at once, never redeliver.
    channel.ack(msg);
    const notice = readRefreshEvent(msg);
    if (!notice) return;
    if (!concerns(notice.applications, this.#o.application)) return;
    this.#logger.info('configuration refresh event received', { 'event.id': notice.id, 'config.commit': notice.commit });
    this.#schedule(`event ${notice.id ?? ''}`.trim());
  }

  #schedule(reason: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#refresh(reason), this.#o.settings.refresh.debounceMs);
    this.#timer.unref();
  }

  async #refresh(reason: string): Promise<void> {
    // One refresh at a time; an event arriving meanwhile causes one more after it.
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      try {
        const changed = await this.#o.store.refresh();
        this.#logger.info('configuration refreshed', { 'event.reason': reason, 'config.changed_keys': changed });
      } catch (err) {
        // CONFIG_INVALID and the like: the store kept its settings and logged why.
        this.#logger.error('configuration refresh failed; current settings kept', { 'event.reason': reason, 'error.message': (err as Error).message });
      }
    })();
    await this.#running;
    this.#running = undefined;
    if (this.#again) {
      this.#again = false;
      await this.#refresh('events during the last refresh');
    }
  }

  healthCheck(): HealthCheck {
    return {
      name: 'config-refresh-listener',
      critical: false,
      check: async () => {
        if (!this.#channel) throw new Error(`not subscribed to refresh events${this.#lastError ? `: ${this.#lastError}` : ''}`);
        return { exchange: this.#o.settings.refresh.exchange };
      },
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    clearInterval(this.#recovery);
    const model = this.#model;
    this.#model = undefined;
    this.#channel = undefined;
    await model?.close();
    await this.#running;
  }
}
