import { Agent } from 'undici';
import { instanceUrl, type Instance } from './instance.js';

/**
 * The few Consul HTTP API calls discovery needs, on undici. We call the API
 * directly rather than through the `consul` npm client because the watch
 * needs the raw X-Consul-Index, a per-call deadline sized to the blocking
 * wait, and an AbortSignal so close() ends a 30 s long-poll at once.
 * API reference: https://developer.hashicorp.com/consul/api-docs
 */

export interface ConsulApiOptions {
  url: string;
  token: string;
  datacenter: string;
  requestTimeoutMs: number;
}

export class ConsulRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConsulRequestError';
  }
}

/** One entry of GET /v1/health/service/:name (the fields we read). */
export interface HealthServiceEntry {
  Node: { Node: string; Address: string };
  Service: { ID: string; Service: string; Address: string; Port: number; Tags: string[] | null; Meta: Record<string, string> | null };
}

/** The body of PUT /v1/agent/service/register. */
export interface ConsulServiceDefinition {
  ID: string;
  Name: string;
  Address: string;
  Port: number;
  Tags: string[];
  Meta: Record<string, string>;
  Check: { HTTP: string; Method: string; Interval: string; Timeout: string; DeregisterCriticalServiceAfter: string };
}

/** An empty service address means "the node's address" in Consul. */
export function toInstances(entries: readonly HealthServiceEntry[]): Instance[] {
  return entries.map(({ Node, Service }) => {
    const address = Service.Address || Node.Address;
    const meta = Service.Meta ?? {};
    return {
      id: Service.ID,
      service: Service.Service,
      address,
      port: Service.Port,
      url: instanceUrl(address, Service.Port, meta['secure'] === 'true'),
      tags: Service.Tags ?? [],
      meta,
    };
  });
}

/**
 * The index for the next blocking query, following Consul's rules: an index
 * that went backwards (server restored, leader change) restarts at 0 so the
 * next call returns at once; an index below 1 is clamped to 1 so we never
 * busy-loop on a non-blocking 0.
 * https://developer.hashicorp.com/consul/api-docs/features/blocking#implementation-details
 */
export function nextIndex(previous: number, received: number): number {
  if (!Number.isFinite(received) || received < previous) return 0;
  return Math.max(received, 1);
}

export class ConsulApi {
  readonly #base: string;
  readonly #agent: Agent;

  constructor(private readonly opts: ConsulApiOptions) {
    this.#base = opts.url.replace(/\/+$/, '');
    this.#agent = new Agent({ connect: { timeout: opts.requestTimeoutMs } });
  }

  get url(): string {
    return this.#base;
  }

  /** Passing instances of a service; with an index, blocks until they change or `waitMs` passes. */
  async healthService(
    service: string,
    q: { index: number; waitMs: number; tag?: string; signal?: AbortSignal },
  ): Promise<{ index: number; instances: Instance[] }> {
    const params = new URLSearchParams({ passing: 'true' });
    if (q.index > 0) {
      params.set('index', String(q.index));
      params.set('wait', `${q.waitMs}ms`);
    }
    if (q.tag) params.set('tag', q.tag);
    // Consul adds up to wait/16 of jitter before answering an idle query.
    const blockMs = q.index > 0 ? q.waitMs + Math.ceil(q.waitMs / 16) : 0;
    const res = await this.#call('GET', `/v1/health/service/${encodeURIComponent(service)}`, params, undefined, blockMs, q.signal);
    const index = Number(res.headers['x-consul-index']);
    return { index: Number.isFinite(index) ? index : 0, instances: toInstances(res.body as HealthServiceEntry[]) };
  }

  async register(definition: ConsulServiceDefinition, signal?: AbortSignal): Promise<void> {
    await this.#call('PUT', '/v1/agent/service/register', new URLSearchParams({ 'replace-existing-checks': 'true' }), definition, 0, signal);
  }

  async deregister(id: string, signal?: AbortSignal): Promise<void> {
    await this.#call('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`, undefined, undefined, 0, signal);
  }

  /** Whether the local agent still has this service registered (false after an agent restart lost it). */
  async isRegistered(id: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.#call('GET', `/v1/agent/service/${encodeURIComponent(id)}`, undefined, undefined, 0, signal);
      return true;
    } catch (err) {
      if (err instanceof ConsulRequestError && err.status === 404) return false;
      throw err;
    }
  }

  /** The cluster leader's address; empty when the cluster has none (it cannot serve consistent reads). */
  async leader(signal?: AbortSignal): Promise<string> {
    const res = await this.#call('GET', '/v1/status/leader', undefined, undefined, 0, signal);
    return typeof res.body === 'string' ? res.body : '';
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #call(
    method: 'GET' | 'PUT',
    path: string,
    params: URLSearchParams | undefined,
    body: unknown,
    blockMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ headers: Record<string, string | string[] | undefined>; body: unknown }> {
    const query = new URLSearchParams(params);
    if (this.opts.datacenter) query.set('dc', this.opts.datacenter);
    const qs = query.toString();
    const headers: Record<string, string> = {};
    if (this.opts.token) headers['x-consul-token'] = this.opts.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const deadline = AbortSignal.timeout(blockMs + this.opts.requestTimeoutMs);
    const url = `${this.#base}${path}${qs ? `?${qs}` : ''}`;
    try {
      const res = await this.#agent.request({
        origin: this.#base,
        path: `${path}${qs ? `?${qs}` : ''}`,
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        // The deadline above bounds the call; undici's own 300 s defaults would only mask it.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const text = await res.body.text();
      if (res.statusCode >= 400) {
        throw new ConsulRequestError(`Consul ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 200).trim()}`, res.statusCode);
      }
      return { headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch (err) {
      if (err instanceof ConsulRequestError) throw err;
      const reason = deadline.aborted && !signal?.aborted ? 'timed out' : err instanceof Error ? err.message : String(err);
      throw new ConsulRequestError(`Consul ${method} ${url} failed: ${reason}`, undefined, { cause: err });
    }
  }
}
