import { createRemoteJWKSet, exportSPKI, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, startAuthServer, vaultKv, type TestServer } from './support/harness.js';

// Forged and damaged tokens must fail both checks a resource server can
// make: introspection at the auth server, and local verification against
// the JWKS configured the way the gateway will configure it.

let server: TestServer;
let introspector: client.Configuration;
let genuine: string;
let signingKey: { kid: string; key: CryptoKey };
let publicJwk: JWK;

beforeAll(async () => {
  server = await startAuthServer();
  introspector = await client.discovery(new URL(server.url), 'gateway', undefined, client.ClientSecretBasic(await server.clientSecret('gateway')), {
    execute: [client.allowInsecureRequests],
  });
  const cc = await client.discovery(new URL(server.url), 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), {
    execute: [client.allowInsecureRequests],
  });
  genuine = (await client.clientCredentialsGrant(cc)).access_token;
  // The real private key, from where the server keeps it, to forge tokens that differ in one claim only.
  const ring = (await vaultKv.read(`${server.isolation.vaultPrefix}/signing-keys`)) as { keys: { kid: string; privateJwk: JWK }[] };
  const stored = ring.keys[0]!;
  signingKey = { kid: stored.kid, key: (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey };
  publicJwk = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys.find((k) => k.kid === stored.kid)!;
});

afterAll(async () => {
  await server?.stop();
  if (server) await cleanUp(server.isolation);
});

const gatewayVerify = (token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url)), { issuer: server.url, audience: 'nimbus', algorithms: ['ES256'] });

async function expectRejected(token: string) {
  expect(await client.tokenIntrospection(introspector, token)).toEqual({ active: false });
  await expect(gatewayVerify(token)).rejects.toThrow();
  const userinfo = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  expect(userinfo.status).toBe(401);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (token: string) => {
  const [h, p, s] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>, h: h!, p: p!, s: s! };
};

function signed(patch: (j: SignJWT) => SignJWT, header: Record<string, unknown> = {}) {
  const { payload } = parts(genuine);
  return patch(
    new SignJWT({ client_id: payload['client_id'], scope: payload['scope'], roles: payload['roles'] })
      .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'at+jwt', ...header })
      .setIssuer(server.url)
      .setAudience('nimbus')
      .setSubject(String(payload['sub']))
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m'),
  );
}

describe('token rejection', () => {
  it('accepts the genuine token both ways (the control case)', async () => {
    expect(await client.tokenIntrospection(introspector, genuine)).toMatchObject({ active: true });
    await expect(gatewayVerify(genuine)).resolves.toBeDefined();
  });

  it('rejects a tampered payload (roles escalated, signature kept)', async () => {
    const { h, payload, s } = parts(genuine);
    await expectRejected(`${h}.${b64({ ...payload, roles: ['admin'] })}.${s}`);
  });

  it('rejects a tampered signature', async () => {
    const { h, p, s } = parts(genuine);
    const flipped = Buffer.from(s, 'base64url');
    flipped[0] = flipped[0]! ^ 0xff;
    await expectRejected(`${h}.${p}.${flipped.toString('base64url')}`);
  });

  it('rejects an expired token signed with the real key', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await signed((j) => j.setIssuedAt(now - 3600).setExpirationTime(now - 3000)).sign(signingKey.key));
  });

  it('rejects a token for another audience signed with the real key', async () => {
    await expectRejected(await signed((j) => j.setAudience('another-platform')).sign(signingKey.key));
  });

  it('rejects alg none, with or without a signature part', async () => {
    const { payload } = parts(genuine);
    const header = b64({ alg: 'none', typ: 'at+jwt', kid: signingKey.kid });
    await expectRejected(`${header}.${b64(payload)}.`);
    await expectRejected(`${header}.${b64(payload)}.${parts(genuine).s}`);
  });

  it('rejects HS256 signed with the public key bytes as the HMAC secret (algorithm confusion)', async () => {
    const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
    for (const secret of [await exportSPKI(publicKey), JSON.stringify(publicJwk), Buffer.from(publicJwk.x!, 'base64url').toString('latin1')]) {
      await expectRejected(await signed((j) => j, { alg: 'HS256' }).sign(new TextEncoder().encode(secret)));
    }
  });

  it('rejects a token signed by a key the server never published', async () => {
    const { generateKeyPair } = await import('jose');
    const rogue = await generateKeyPair('ES256');
    await expectRejected(await signed((j) => j).sign(rogue.privateKey));
  });

  it('answers introspection only to authenticated confidential clients', async () => {
    const res = await fetch(`${server.url}/oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: genuine, client_id: 'nimbus-web' }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});
