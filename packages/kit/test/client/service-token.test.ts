import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientCredentialsTokenProvider } from '../../src/client/index.js';
import { isProblemError } from '../../src/errors/problem.js';
import { silentLogger } from '../../src/logging/logger.js';
import { closedPort } from '../discovery/support.js';
import { clientSettings, json, rejectionOf, startOrigin, testClient, type Origin, type Seen, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

/** A token endpoint (RFC 6749 §4.4) issuing tok-1, tok-2, … valid for `expiresIn` seconds. */
async function tokenEndpoint(opts: { expiresIn?: number; delayMs?: number; answer?: (req: Seen) => [number, unknown] | undefined } = {}) {
  let issued = 0;
  const origin = track(
    await startOrigin(async (req, res) => {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const custom = opts.answer?.(req);
      if (custom) return json(res, custom[0], custom[1]);
      json(res, 200, { access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: opts.expiresIn ?? 60 });
    }),
  );
  return { origin, url: `${origin.url}/oauth2/token`, issued: () => issued };
}

const provider = (tokenUrl: string, flat: Record<string, unknown> = {}) =>
  new ClientCredentialsTokenProvider({
    settings: clientSettings({ 'serviceToken.tokenUrl': tokenUrl, 'serviceToken.clientId': 'order-service', 'serviceToken.clientSecret': 's3cr:t &x', ...flat }).serviceToken,
    logger: silentLogger,
  });

describe('ClientCredentialsTokenProvider', () => {
  it('requests a token with grant_type=client_credentials, form-encoded, authenticating with HTTP Basic', async () => {
    const ep = await tokenEndpoint();
    expect(await provider(ep.url, { 'serviceToken.scope': 'inventory.write' }).token()).toBe('tok-1');
    const req = ep.origin.seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/oauth2/token');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ grant_type: 'client_credentials', scope: 'inventory.write' });
    // RFC 6749 §2.3.1: id and secret are form-encoded, then joined with ":" and base64-encoded.
    const basic = Buffer.from(String(req.headers['authorization']).replace(/^Basic /, ''), 'base64').toString();
    expect(basic).toBe('order-service:s3cr%3At+%26x');
  });

  it('sends the credentials in the form with client_secret_post', async () => {
    const ep = await tokenEndpoint();
    await provider(ep.url, { 'serviceToken.clientAuthMethod': 'client_secret_post' }).token();
    const req = ep.origin.seen[0]!;
    expect(req.headers['authorization']).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ grant_type: 'client_credentials', client_id: 'order-service', client_secret: 's3cr:t &x' });
  });

  it('caches the token until expires_in minus the skew, then fetches a new one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const ep = await tokenEndpoint({ expiresIn: 120 });
    const tokens = provider(ep.url, { 'serviceToken.expirySkewMs': 30_000 });
    expect([await tokens.token(), await tokens.token()]).toEqual(['tok-1', 'tok-1']);
    vi.setSystemTime(Date.now() + 89_000);
    expect(await tokens.token()).toBe('tok-1');
    vi.setSystemTime(Date.now() + 2_000);
    expect(await tokens.token()).toBe('tok-2');
    expect(ep.issued()).toBe(2);
  });

  it('shares one token request among concurrent callers', async () => {
    const ep = await tokenEndpoint({ delayMs: 50 });
    const tokens = provider(ep.url);
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(all)).toEqual(new Set(['tok-1']));
    expect(ep.issued()).toBe(1);
  });

  it('drops the cached token on invalidate(), but only if it is still the one that was refused', async () => {
    const ep = await tokenEndpoint();
    const tokens = provider(ep.url);
    await tokens.token();
    tokens.invalidate('tok-0');
    expect(await tokens.token()).toBe('tok-1');
    tokens.invalidate('tok-1');
    expect(await tokens.token()).toBe('tok-2');
  });

  it('fails with SERVICE_TOKEN_REJECTED, not retryable, when the auth server refuses the credentials', async () => {
    const ep = await tokenEndpoint({ answer: () => [401, { error: 'invalid_client' }] });
    const err = await rejectionOf(provider(ep.url).token());
    expect(isProblemError(err) && [err.code, err.retryable, err.detail]).toEqual(['SERVICE_TOKEN_REJECTED', false, 'token endpoint answered invalid_client']);
  });

  it('fails with SERVICE_TOKEN_UNAVAILABLE when the token endpoint is down, and tries again on the next call', async () => {
    const tokens = provider(`http://127.0.0.1:${await closedPort()}/oauth2/token`);
    for (let i = 0; i < 2; i++) {
      const err = await rejectionOf(tokens.token());
      expect(isProblemError(err) && [err.code, err.retryable]).toEqual(['SERVICE_TOKEN_UNAVAILABLE', true]);
    }
  });

  it('refuses to start without a token URL or client ID, naming the settings', () => {
    expect(() => provider('')).toThrow(/client\.serviceToken\.tokenUrl/);
  });
});

describe('service client with auth "service"', () => {
  it('sends the cached service token on every call, fetching it once', async () => {
    const ep = await tokenEndpoint();
    const dep = track(await startOrigin((_, res) => json(res, 200, {})));
    const { client } = track(testClient([dep.url], { 'serviceToken.tokenUrl': ep.url, 'serviceToken.clientId': 'order-service' }));
    for (let i = 0; i < 3; i++) await client.request('svc', { path: '/x', auth: 'service' });
    expect(dep.seen.map((s) => s.headers['authorization'])).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
    expect(ep.issued()).toBe(1);
  });

  it('on a 401 from the dependency, fetches a fresh token once and repeats the call, even a POST', async () => {
    const ep = await tokenEndpoint();
    const dep = track(await startOrigin((req, res) => json(res, req.headers['authorization'] === 'Bearer tok-1' ? 401 : 201, {})));
    const { client } = track(testClient([dep.url], { 'serviceToken.tokenUrl': ep.url, 'serviceToken.clientId': 'order-service' }));
    const res = await client.request('svc', { method: 'POST', path: '/reservations', body: {}, auth: 'service' });
    expect(res.status).toBe(201);
    expect(dep.seen.map((s) => s.headers['authorization'])).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('returns a second 401 to the caller instead of looping', async () => {
    const ep = await tokenEndpoint();
    const dep = track(await startOrigin((_, res) => json(res, 401, {})));
    const { client } = track(testClient([dep.url], { 'serviceToken.tokenUrl': ep.url, 'serviceToken.clientId': 'order-service' }));
    expect((await client.request('svc', { path: '/x', auth: 'service' })).status).toBe(401);
    expect(dep.seen).toHaveLength(2);
    expect(ep.issued()).toBe(2);
  });
});
