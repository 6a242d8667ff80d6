import { exportSPKI, SignJWT, UnsecuredJWT, importJWK, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateStoredKey } from '../../src/keys/generate.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import type { RingPolicy, StoredKey } from '../../src/keys/ring.js';
import { TokenIssuer } from '../../src/tokens/issuer.js';
import { AccessTokenVerifier } from '../../src/tokens/verifier.js';

const policy: RingPolicy = { keyLifetimeSeconds: 3600, prePublishSeconds: 60, accessTokenTtlSeconds: 300, clockSkewSeconds: 5 };
const issuer = () => 'http://auth.test';
const settings = { issuer, audience: 'nimbus', clockSkewSeconds: 5 };
const revoked = new Set<string>();

let ring: KeyRing;
let stored: StoredKey;
let tokens: TokenIssuer;
let verifier: AccessTokenVerifier;

const now = new Date();
const window = { activatesAt: new Date(now.getTime() - 1000), notAfter: new Date(now.getTime() + 3_600_000) };

beforeAll(async () => {
  ring = new KeyRing(policy);
  stored = await generateStoredKey('ES256', window, now);
  await ring.load([stored]);
  tokens = new TokenIssuer(ring, { issuer, audience: 'nimbus', accessTokenTtlSeconds: 300 });
  verifier = new AccessTokenVerifier(ring, settings, async (jti) => revoked.has(jti));
});

const privateKey = async () => (await importJWK({ ...stored.privateJwk }, 'ES256')) as CryptoKey;
const claims = { client_id: 'web', scope: 'openid', roles: ['customer'] };
const forged = (key: CryptoKey | Uint8Array, header: Record<string, unknown>, patch: (j: SignJWT) => SignJWT = (j) => j) =>
  patch(
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: stored.kid, ...header })
      .setIssuer('http://auth.test')
      .setAudience('nimbus')
      .setSubject('u1')
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m'),
  ).sign(key);

describe('access token email claim', () => {
  it('carries the user\'s email only when the email scope is granted', async () => {
    const { decodeJwt } = await import('jose');
    const withScope = await tokens.accessToken({ subject: 'u1', clientId: 'web', scopes: ['openid', 'email'], roles: [], email: 'u1@shop.test' });
    expect(decodeJwt(withScope.token)['email']).toBe('u1@shop.test');
    const without = await tokens.accessToken({ subject: 'u1', clientId: 'web', scopes: ['openid'], roles: [], email: 'u1@shop.test' });
    expect(decodeJwt(without.token)['email']).toBeUndefined();
  });
});

describe('access tokens', () => {
  it('carries kid, typ at+jwt and every required claim, and verifies', async () => {
    const { token } = await tokens.accessToken({ subject: 'u1', clientId: 'web', scopes: ['openid', 'email'], roles: ['customer'] });
    const result = await verifier.verify(token);
    expect(result).toMatchObject({ ok: true, claims: { iss: 'http://auth.test', aud: 'nimbus', sub: 'u1', client_id: 'web', scope: 'openid email', roles: ['customer'] } });
    if (!result.ok) throw new Error('unreachable');
    expect(result.claims.exp - result.claims.iat).toBe(300);
    expect(result.claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'ES256', kid: stored.kid, typ: 'at+jwt' });
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const { token } = await tokens.accessToken({ subject: 'u1', clientId: 'web', scopes: [], roles: ['customer'] });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')}.${s}`;
    expect(await verifier.verify(tampered)).toMatchObject({ ok: false });
  });

  it('rejects alg none', async () => {
    const none = new UnsecuredJWT(claims).setIssuer('http://auth.test').setAudience('nimbus').setSubject('u1').setJti('j').setIssuedAt().setExpirationTime('5m').encode();
    expect(await verifier.verify(none)).toMatchObject({ ok: false });
    // With the real kid and typ in the header too.
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: stored.kid, typ: 'at+jwt' })).toString('base64url');
    expect(await verifier.verify(`${header}.${none.split('.')[1]}.`)).toMatchObject({ ok: false });
  });

  it('rejects HS256 signed with the public key as the HMAC secret (key confusion)', async () => {
    const publicJwk = ring.jwks().keys[0]!;
    const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
    for (const secret of [await exportSPKI(publicKey), JSON.stringify(publicJwk)]) {
      const token = await forged(new TextEncoder().encode(secret), { alg: 'HS256' });
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    }
  });

  it('rejects a wrong audience, a wrong issuer, an unknown kid and an ID token (typ JWT)', async () => {
    const key = await privateKey();
    expect(await verifier.verify(await forged(key, {}, (j) => j.setAudience('other')))).toMatchObject({ ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await verifier.verify(await forged(key, {}, (j) => j.setIssuer('http://evil')))).toMatchObject({ ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await verifier.verify(await forged(key, { kid: 'unknown' }))).toMatchObject({ ok: false, reason: 'ERR_JWKS_NO_MATCHING_KEY' });
    const id = await tokens.idToken({ subject: 'u1', clientId: 'web', authTime: new Date() });
    expect(await verifier.verify(id)).toMatchObject({ ok: false, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('rejects expired tokens beyond the clock skew, and accepts within it', async () => {
    const key = await privateKey();
    const nowS = Math.floor(Date.now() / 1000);
    expect(await verifier.verify(await forged(key, {}, (j) => j.setIssuedAt(nowS - 400).setExpirationTime(nowS - 10)))).toMatchObject({ ok: false, reason: 'ERR_JWT_EXPIRED' });
    expect(await verifier.verify(await forged(key, {}, (j) => j.setIssuedAt(nowS - 300).setExpirationTime(nowS - 2)))).toMatchObject({ ok: true });
  });

  it('rejects tokens missing our claims (roles, scope, client_id)', async () => {
    const key = await privateKey();
    const bare = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: stored.kid })
      .setIssuer('http://auth.test')
      .setAudience('nimbus')
      .setSubject('u1')
      .setJti('j')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    expect(await verifier.verify(bare)).toMatchObject({ ok: false, reason: 'claims' });
  });

  it('rejects revoked tokens by jti', async () => {
    const issued = await tokens.accessToken({ subject: 'u1', clientId: 'web', scopes: [], roles: [] });
    revoked.add(issued.jti);
    expect(await verifier.verify(issued.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses oversized input before parsing it', async () => {
    expect(await verifier.verify('a'.repeat(10_000))).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('key ring', () => {
  it('publishes public members only, with kid, alg and use', () => {
    const [jwk] = ring.jwks().keys;
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: stored.kid });
  });

  it('finds a verification key only when kid and alg both match', () => {
    expect(ring.verificationKey(stored.kid, 'ES256')).toBeDefined();
    expect(ring.verificationKey(stored.kid, 'HS256')).toBeUndefined();
    expect(ring.verificationKey(stored.kid, 'none')).toBeUndefined();
    expect(ring.verificationKey(stored.kid, 'EdDSA')).toBeUndefined();
    expect(ring.verificationKey(undefined, 'ES256')).toBeUndefined();
  });

  it('signs and verifies with EdDSA keys too, and refuses a key whose type does not match its alg', async () => {
    const edRing = new KeyRing(policy);
    const ed = await generateStoredKey('EdDSA', window, now);
    await edRing.load([ed]);
    const edTokens = new TokenIssuer(edRing, { issuer, audience: 'nimbus', accessTokenTtlSeconds: 60 });
    const edVerifier = new AccessTokenVerifier(edRing, settings, async () => false);
    const { token } = await edTokens.accessToken({ subject: 's', clientId: 'c', scopes: [], roles: [] });
    expect(await edVerifier.verify(token)).toMatchObject({ ok: true });
    // An ES256 token does not verify against a ring of EdDSA keys.
    expect(await edVerifier.verify((await tokens.accessToken({ subject: 's', clientId: 'c', scopes: [], roles: [] })).token)).toMatchObject({ ok: false });
    await expect(new KeyRing(policy).load([{ ...ed, alg: 'ES256' }])).rejects.toThrow(/not a EC P-256 key/);
  });

  it('names each key by its RFC 7638 thumbprint', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    expect(await calculateJwkThumbprint(ring.jwks().keys[0]!)).toBe(stored.kid);
  });
});
