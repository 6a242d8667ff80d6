import { request } from 'undici';
import type { Logger } from '../logging/logger.js';
import { SERVICE_TOKEN_REJECTED, SERVICE_TOKEN_UNAVAILABLE } from './catalogue.js';
import type { ServiceTokenSettings } from './settings.js';

/** Supplies the bearer token this service presents to others (`auth: 'service'`). */
export interface ServiceTokenProvider {
  token(): Promise<string>;
  /** Drops the cached token if it is still this one (the dependency answered 401 with it). */
  invalidate(token: string): void;
}

interface TokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  error?: unknown;
}

/**
 * OAuth2 client_credentials grant (RFC 6749 §4.4). The token is cached until
 * shortly before `expires_in`; concurrent callers needing a new one share a
 * single request to the token endpoint, so a cold start or an expiry under
 * load costs the auth server one call, not one per request in flight.
 */
export class ClientCredentialsTokenProvider implements ServiceTokenProvider {
  readonly #settings: ServiceTokenSettings;
  readonly #log: Logger;
  #cached: { token: string; renewAt: number } | undefined;
  #inflight: Promise<string> | undefined;

  constructor(opts: { settings: ServiceTokenSettings; logger: Logger }) {
    const s = opts.settings;
    if (!s.tokenUrl || !s.clientId) {
      throw new Error('client.serviceToken.tokenUrl and client.serviceToken.clientId must be set to call services with auth "service"');
    }
    this.#settings = s;
    this.#log = opts.logger.child({ component: 'service-token', clientId: s.clientId });
  }

  token(): Promise<string> {
    const cached = this.#cached;
    if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #fetch(): Promise<string> {
    const s = this.#settings;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (s.scope) form.set('scope', s.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (s.clientAuthMethod === 'client_secret_basic') {
      // RFC 6749 §2.3.1: id and secret are form-encoded before being joined for Basic.
      const pair = `${formEncode(s.clientId)}:${formEncode(s.clientSecret)}`;
      headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', s.clientId);
      form.set('client_secret', s.clientSecret);
    }

    let status: number;
    let body: TokenResponse;
    try {
      const res = await request(s.tokenUrl, { method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(s.timeoutMs) });
      status = res.statusCode;
      const text = await res.body.text();
      body = parseJson(text);
    } catch (err) {
      this.#log.warn('token endpoint unreachable', { tokenUrl: s.tokenUrl, error: err instanceof Error ? err.message : String(err) });
      throw SERVICE_TOKEN_UNAVAILABLE({ detail: `token endpoint ${s.tokenUrl} unreachable`, cause: err });
    }

    if (status === 400 || status === 401 || status === 403) {
      // RFC 6749 §5.2 error codes (invalid_client, unauthorized_client, invalid_scope) say nothing secret.
      const code = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
      this.#log.error('token endpoint refused the client credentials', { tokenUrl: s.tokenUrl, error: code });
      throw SERVICE_TOKEN_REJECTED({ detail: `token endpoint answered ${code}` });
    }
    if (status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
      this.#log.warn('token endpoint failed', { tokenUrl: s.tokenUrl, status });
      throw SERVICE_TOKEN_UNAVAILABLE({ detail: `token endpoint answered ${status} without an access_token` });
    }
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
      throw SERVICE_TOKEN_REJECTED({ detail: `token endpoint issued a "${body.token_type}" token; only Bearer is supported` });
    }

    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : s.defaultExpiresInMs;
    // A skew larger than the lifetime would make every call fetch; keep at least half the lifetime.
    const usableMs = Math.max(lifetimeMs - s.expirySkewMs, lifetimeMs / 2);
    this.#cached = { token: body.access_token, renewAt: Date.now() + usableMs };
    this.#log.debug('service token obtained', { expiresInMs: lifetimeMs });
    return body.access_token;
  }
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
const formEncode = (v: string) => new URLSearchParams([['v', v]]).toString().slice(2);

function parseJson(text: string): TokenResponse {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as TokenResponse) : {};
  } catch {
    return {};
  }
}
