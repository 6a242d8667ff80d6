import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { ISSUER, registerInConsul, signWith, startGateway, startIssuer, startUpstream, unique, type TestIssuer, type Upstream } from './support/harness.js';

// Live Consul, real upstreams on port 0 registered under unique names, and
// tokens signed by a test ES256 key served from a JWKS on port 0 (not the
// auth server: its verification rules are the same, its boot needs MySQL).
describe('gateway against live Consul and real upstreams', () => {
  const echo = unique('echo');
  const flaky = unique('flaky');
  let a: Upstream;
  let b: Upstream;
  let f: Upstream;
  let issuer: TestIssuer;
  const deregister: Array<() => Promise<void>> = [];
  let gw: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    [a, b, f, issuer] = await Promise.all([startUpstream(echo, 'a'), startUpstream(echo, 'b'), startUpstream(flaky, 'f'), startIssuer()]);
    for (const up of [a, b, f]) deregister.push(await registerInConsul(up));
    gw = await startGateway({
      'gateway.routes': [
        { id: 'echo', path: '/api/echo', service: echo, auth: 'public' },
        { id: 'limited', path: '/api/limited', service: echo, auth: 'public', stripPrefix: 2, prefixPath: '/v1/items' },
        { id: 'secure', path: '/api/secure', service: echo, auth: 'authenticated', rules: [{ methods: ['POST', 'DELETE'], roles: ['admin'] }] },
        { id: 'flaky', path: '/api/flaky', service: flaky, auth: 'public' },
        { id: 'slow', path: '/api/slow', service: echo, auth: 'public', timeoutMs: 150 },
      ],
      'gateway.auth.jwksUrl': issuer.jwksUrl,
      'gateway.auth.issuer': ISSUER,
      'gateway.rateLimit.max': 1_000,
      'gateway.rateLimit.routes': { limited: { max: 3, timeWindowMs: 60_000 } },
      [`client.services.${flaky}`]: { retry: { retries: 0 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 700 } },
      [`client.services.${echo}`]: { retry: { initialDelayMs: 1, maxDelayMs: 5 } },
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all(deregister.map((d) => d()));
    await Promise.all([a?.stop(), b?.stop(), f?.stop(), issuer?.stop()]);
  });

  describe('routing', () => {
    it('alternates between the two instances of a service, round-robin', async () => {
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await gw.app.inject(`/api/echo/${i}?q=${i}`);
        expect(res.statusCode).toBe(200);
        const body = res.json<{ instance: string; url: string }>();
        expect(body.url).toBe(`/api/echo/${i}?q=${i}`);
        seen.push(body.instance);
      }
      expect(new Set(seen)).toEqual(new Set(['a', 'b']));
      expect(seen[0]).not.toBe(seen[1]);
      expect(seen[1]).not.toBe(seen[2]);
    });

    it('rewrites the path (StripPrefix 2, PrefixPath /v1/items)', async () => {
      const res = await gw.app.inject('/api/limited/42?x=1');
      expect(res.json()).toMatchObject({ url: '/v1/items/42?x=1' });
    });

    it('forwards a POST body and the request id, and echoes the request id back', async () => {
      const res = await gw.app.inject({ method: 'POST', url: '/api/echo', payload: { sku: 'x', qty: 2 }, headers: { 'x-request-id': 'rid-123' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).toBe('rid-123');
      const body = res.json<{ body: unknown; headers: Record<string, string> }>();
      expect(body.body).toEqual({ sku: 'x', qty: 2 });
      expect(body.headers['x-request-id']).toBe('rid-123');
    });
  });

  describe('security', () => {
    it('answers 401 UNAUTHENTICATED with WWW-Authenticate: Bearer when the token is missing', async () => {
      const res = await gw.app.inject('/api/secure/1');
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="nimbus"/);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('refuses malformed, expired, foreign-key, wrong-audience, wrong-issuer, wrong-typ and HS256 tokens with 401', async () => {
      const other = await generateKeyPair('ES256');
      const bad = [
        'not-a-jwt',
        await issuer.sign({ roles: ['admin'] }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
        await signWith(other.privateKey, 'test-1', { roles: ['admin'] }),
        await issuer.sign({}, { audience: 'someone-else' }),
        await issuer.sign({}, { issuer: 'https://evil.test' }),
        await issuer.sign({}, { typ: 'JWT' }),
        await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuer(ISSUER).setAudience('nimbus').setSubject('u').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32))),
      ];
      for (const token of bad) {
        const res = await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, token.slice(0, 30)).toBe(401);
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      expect(a.hits + b.hits).toBeGreaterThan(0); // upstreams alive, the gateway refused on its own
    });

    it('applies refreshed token settings without restart: a new audience is accepted, the old one refused', async () => {
      const moved = await issuer.sign({}, { audience: 'nimbus-v2' });
      const current = await issuer.sign({});
      expect((await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${moved}` } })).statusCode).toBe(401);
      expect((await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${current}` } })).statusCode).toBe(200);
      try {
        gw.source.set('gateway.auth.audience', 'nimbus-v2');
        await gw.ctx.config.refresh();
        expect((await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${moved}` } })).statusCode).toBe(200);
        // Verified before the change, yet refused after it: the cache went with the old settings.
        expect((await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${current}` } })).statusCode).toBe(401);
      } finally {
        gw.source.set('gateway.auth.audience', 'nimbus');
        await gw.ctx.config.refresh();
      }
      expect((await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${current}` } })).statusCode).toBe(200);
    });

    it('accepts a token within the clock skew of its expiry', async () => {
      const token = await issuer.sign({}, { expiresIn: Math.floor(Date.now() / 1000) - 5 });
      const res = await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
    });

    it('answers 403 FORBIDDEN when a write needs the admin role the caller lacks', async () => {
      const token = await issuer.sign({ sub: 'cust-1', roles: ['customer'] });
      const read = await gw.app.inject({ url: '/api/secure/1', headers: { authorization: `Bearer ${token}` } });
      expect(read.statusCode).toBe(200);
      const write = await gw.app.inject({ method: 'POST', url: '/api/secure', payload: {}, headers: { authorization: `Bearer ${token}` } });
      expect(write.statusCode).toBe(403);
      expect(write.json()).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('relays the token and the verified identity, dropping identity headers the client forged', async () => {
      const token = await issuer.sign({ sub: 'admin-1', roles: ['admin'], scope: 'products:write' });
      const res = await gw.app.inject({ method: 'POST', url: '/api/secure', payload: {}, headers: { authorization: `Bearer ${token}`, 'x-user-id': 'forged', 'x-user-roles': 'root' } });
      expect(res.statusCode).toBe(200);
      const { headers } = res.json<{ headers: Record<string, string> }>();
      expect(headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-user-id': 'admin-1', 'x-user-roles': 'admin', 'x-user-scopes': 'products:write' });
      const anon = await gw.app.inject({ url: '/api/echo', headers: { 'x-user-id': 'forged' } });
      expect(anon.json<{ headers: Record<string, string> }>().headers['x-user-id']).toBeUndefined();
    });
  });

  describe('rate limiting', () => {
    it('answers 429 RATE_LIMITED with RateLimit-* and Retry-After past the route limit, and applies a refreshed limit without restart', async () => {
      for (let i = 0; i < 2; i++) expect((await gw.app.inject('/api/limited/1')).statusCode).toBe(200); // 1 used by the rewrite test
      const refused = await gw.app.inject('/api/limited/1');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.headers['ratelimit-limit']).toBe('3');
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Other routes have their own counter.
      expect((await gw.app.inject('/api/echo')).statusCode).toBe(200);

      gw.source.set('gateway.rateLimit.routes', { limited: { max: 5, timeWindowMs: 60_000 } });
      expect(await gw.ctx.config.refresh()).toEqual([expect.stringMatching(/^gateway\.rateLimit\.routes\.limited/)]);
      const again = await gw.app.inject('/api/limited/1'); // 5th in the window, now allowed
      expect(again.statusCode).toBe(200);
      expect(again.headers['ratelimit-limit']).toBe('5');
      expect((await gw.app.inject('/api/limited/1')).statusCode).toBe(429);
    });

    it('applies a refreshed route list without restart, and keeps the old one when the new cannot be served', async () => {
      const before = gw.ctx.config.current as unknown as { gateway: { routes: unknown[] } };
      const original = before.gateway.routes;
      try {
        expect((await gw.app.inject('/api/renamed/1')).statusCode).toBe(404);
        gw.source.set('gateway.routes', [...original, { id: 'renamed', path: '/api/renamed', service: echo, auth: 'public', stripPrefix: 2 }]);
        await gw.ctx.config.refresh();
        const added = await gw.app.inject('/api/renamed/7');
        expect(added.statusCode).toBe(200);
        expect(added.json()).toMatchObject({ url: '/7' });

        // Two routes with one id: refused, the routes in force stay.
        gw.source.set('gateway.routes', [{ id: 'echo', path: '/api/other', service: echo, auth: 'public' }, { id: 'echo', path: '/api/echo', service: echo, auth: 'public' }]);
        await gw.ctx.config.refresh();
        expect((await gw.app.inject('/api/renamed/7')).statusCode).toBe(200);
        expect((await gw.app.inject('/api/other')).statusCode).toBe(404);
      } finally {
        gw.source.set('gateway.routes', original);
        await gw.ctx.config.refresh();
      }
      expect((await gw.app.inject('/api/renamed/1')).statusCode).toBe(404);
    });
  });

  describe('resilience', () => {
    it('skips an instance stopped mid-test: every request still succeeds, on the live one', async () => {
      await b.stop();
      for (let i = 0; i < 6; i++) {
        const res = await gw.app.inject(`/api/echo/after-stop-${i}`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ instance: 'a' });
      }
      // Not idempotent, yet retried: the refused connection never carried it.
      const post = await gw.app.inject({ method: 'POST', url: '/api/echo', payload: { n: 1 } });
      expect(post.statusCode).toBe(200);
    });

    // undici checks header timeouts on a ~0.5 s tick, so a 150 ms timeout fires within about a second.
    it('times out per route (504 DEPENDENCY_TIMEOUT), retrying GET but never POST', async () => {
      const before = a.hits;
      const get = await gw.app.inject({ url: '/api/slow', headers: { 'x-test-delay-ms': '2500' } });
      expect(get.statusCode).toBe(504);
      expect(get.json()).toMatchObject({ code: 'DEPENDENCY_TIMEOUT' });
      expect(a.hits - before).toBe(4); // first attempt + client.defaults.retry.retries (3)
      const mid = a.hits;
      const post = await gw.app.inject({ method: 'POST', url: '/api/slow', payload: {}, headers: { 'x-test-delay-ms': '2500' } });
      expect(post.statusCode).toBe(504);
      expect(a.hits - mid).toBe(1);
    });

    it('opens the breaker after consecutive 503s (503 CIRCUIT_OPEN + Retry-After), and closes it after the half-open probe succeeds', async () => {
      f.status = 503;
      for (let i = 0; i < 2; i++) {
        const res = await gw.app.inject('/api/flaky');
        expect(res.statusCode).toBe(503);
        expect(res.json()).toMatchObject({ instance: 'f' }); // the upstream's own answer, passed through
      }
      const hitsWhenOpened = f.hits;
      const open = await gw.app.inject('/api/flaky');
      expect(open.statusCode).toBe(503);
      expect(open.json()).toMatchObject({ code: 'CIRCUIT_OPEN' });
      expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(f.hits).toBe(hitsWhenOpened); // failed fast, upstream untouched
      const ready = await gw.app.inject('/health/ready');
      expect(JSON.stringify(ready.json())).toContain('"circuit":"open"');

      f.status = 200;
      await new Promise((r) => setTimeout(r, 800));
      const probe = await gw.app.inject('/api/flaky');
      expect(probe.statusCode).toBe(200);
      expect((await gw.app.inject('/api/flaky')).statusCode).toBe(200);
      expect(JSON.stringify((await gw.app.inject('/health/ready')).json())).toContain('"circuit":"closed"');
    });
  });
});
