import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../../src/auth/verifier.js';

const JWKS_URL = 'http://auth.test:9000/.well-known/jwks.json';
const settings = { jwksUrl: JWKS_URL, jwksService: 'auth-server', issuer: 'https://issuer.test', audience: 'nimbus', clockToleranceSeconds: 30, algorithms: ['ES256' as const, 'EdDSA' as const] };

interface Signer {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function token(s: Signer, claims: { sub?: string; exp?: number; roles?: string[] } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.roles ?? ['customer'], scope: 'read' })
    .setProtectedHeader({ alg: 'ES256', kid: s.jwk.kid ?? '', typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.sub ?? 'u1')
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 3_600)
    .sign(s.privateKey);
}

/** Serves the JWKS of whichever signers are current; counts the fetches. */
function serveJwks(initial: Signer[]) {
  let keys = initial;
  const fetches = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    if (String(input) !== JWKS_URL) throw new TypeError('fetch failed');
    return Response.json({ keys: keys.map((k) => k.jwk) });
  });
  return { fetches, rotate: (next: Signer[]) => void (keys = next) };
}

describe('TokenVerifier, verified-token cache', () => {
  let a: Signer;
  let b: Signer;
  beforeAll(async () => {
    [a, b] = await Promise.all([signer('a'), signer('b')]);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('answers the same token again from the cache (the same identity, no new check)', async () => {
    serveJwks([a]);
    const verifier = new TokenVerifier(settings);
    const t = await token(a, { roles: ['admin'] });
    const first = await verifier.verify(t);
    const second = await verifier.verify(t);
    expect(first).toMatchObject({ ok: true, identity: { subject: 'u1', roles: ['admin'], scopes: ['read'] } });
    expect(second.ok && first.ok && second.identity).toBe(first.ok && first.identity);
    expect(Object.isFrozen(first.ok && first.identity)).toBe(true);
  });

  it('never uses a cached answer at or after the token exp, then checks it in full', async () => {
    serveJwks([a]);
    let now = Date.now();
    const verifier = new TokenVerifier(settings, undefined, { now: () => now });
    const exp = Math.floor(now / 1000) + 60;
    const t = await token(a, { exp });
    const first = await verifier.verify(t);
    now = exp * 1000; // the cache's clock says expired; jose's (real) clock does not, so the full check still passes
    const second = await verifier.verify(t);
    expect(second.ok).toBe(true);
    expect(second.ok && second.identity).not.toBe(first.ok && first.identity);
  });

  it('does not cache refused tokens: each gets the full check and its reason', async () => {
    serveJwks([a]);
    const verifier = new TokenVerifier(settings);
    const expired = await token(a, { exp: Math.floor(Date.now() / 1000) - 120 });
    expect(await verifier.verify(expired)).toEqual({ ok: false, reason: 'the token has expired', unavailable: false });
    expect(await verifier.verify(expired)).toEqual({ ok: false, reason: 'the token has expired', unavailable: false });
    const forged = `${(await token(a)).split('.').slice(0, 2).join('.')}.${(await token(b)).split('.')[2] ?? ''}`;
    expect(await verifier.verify(forged)).toMatchObject({ ok: false, reason: 'the token signature is invalid' });
  });

  it('refuses a cached token once the key that signed it left the JWKS and jose reloaded the set', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const jwks = serveJwks([a]);
    const verifier = new TokenVerifier(settings);
    const t = await token(a);
    expect((await verifier.verify(t)).ok).toBe(true);
    expect((await verifier.verify(t)).ok).toBe(true);
    jwks.rotate([b]);
    vi.setSystemTime(Date.now() + 11 * 60_000); // past jose's JWKS cacheMaxAge (10 min): the next lookup reloads the set
    const after = await verifier.verify(t);
    expect(after).toMatchObject({ ok: false, reason: 'the token was signed by an unknown key' });
    expect(jwks.fetches).toHaveBeenCalledTimes(2);
  });

  it('keeps answering from the cache when the JWKS is reloaded with the same key (a new key object, checked again once)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    serveJwks([a, b]);
    const verifier = new TokenVerifier(settings);
    const t = await token(a);
    const first = await verifier.verify(t);
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const reloaded = await verifier.verify(t);
    const again = await verifier.verify(t);
    expect(reloaded.ok).toBe(true);
    expect(reloaded.ok && reloaded.identity).not.toBe(first.ok && first.identity);
    expect(again.ok && again.identity).toBe(reloaded.ok && reloaded.identity);
  });

  it('is bounded: the least recently used token is dropped first; size 0 caches nothing', async () => {
    serveJwks([a]);
    const [t1, t2] = await Promise.all([token(a, { sub: 'u1' }), token(a, { sub: 'u2' })]);
    const one = new TokenVerifier(settings, undefined, { cacheSize: 1 });
    const first = await one.verify(t1);
    await one.verify(t2);
    const again = await one.verify(t1);
    expect(again.ok && again.identity).not.toBe(first.ok && first.identity);
    const none = new TokenVerifier(settings, undefined, { cacheSize: 0 });
    const x = await none.verify(t1);
    const y = await none.verify(t1);
    expect(y.ok && y.identity).not.toBe(x.ok && x.identity);
  });
});
