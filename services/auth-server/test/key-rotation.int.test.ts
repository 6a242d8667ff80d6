import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, sleep, startAuthServer, vaultKv, type TestServer } from './support/harness.js';

// Real time, compressed: a key signs for 4 s, its successor is published 2 s
// ahead, access tokens live 6 s, skew 1 s. So the first key must stay in
// JWKS until 4 + 6 + 1 = 11 s after it started signing.
const TTL = 6;

let server: TestServer;
let cc: client.Configuration;
let introspector: client.Configuration;

beforeAll(async () => {
  server = await startAuthServer({
    'auth.signing.keyLifetimeSeconds': 4,
    'auth.signing.prePublishSeconds': 2,
    'auth.signing.checkIntervalSeconds': 1,
    'auth.accessTokenTtlSeconds': TTL,
    'auth.clockSkewSeconds': 1,
  });
  const insecure = { execute: [client.allowInsecureRequests] };
  cc = await client.discovery(new URL(server.url), 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), insecure);
  introspector = await client.discovery(new URL(server.url), 'gateway', undefined, client.ClientSecretBasic(await server.clientSecret('gateway')), insecure);
});

afterAll(async () => {
  await server?.stop();
  if (server) await cleanUp(server.isolation);
});

const jwksKids = async () => ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys.map((k) => k.kid);
const issue = async () => {
  const token = (await client.clientCredentialsGrant(cc)).access_token;
  return { token, kid: decodeProtectedHeader(token).kid! };
};
/** A verifier that has never seen the JWKS, like a gateway instance that just started. */
const freshGatewayVerify = (token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url)), { issuer: server.url, audience: 'nimbus', algorithms: ['ES256'] });

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('signing key rotation', () => {
  it('pre-publishes the next key, switches signing to it, and keeps the old key until its last token expires', async () => {
    const [first] = await jwksKids();
    // Pre-publication: two keys in JWKS while the first still signs.
    const old = await until('the successor to be pre-published', async () => {
      const kids = await jwksKids();
      if (kids.length < 2) return undefined;
      const t = await issue();
      return t.kid === first ? t : undefined;
    });
    expect(old.kid).toBe(first);

    const rotated = await until('signing to move to the new key', async () => {
      const t = await issue();
      return t.kid !== first ? t : undefined;
    });
    // Both tokens verify, for a verifier with a cold cache and at the auth server.
    await expect(freshGatewayVerify(old.token)).resolves.toBeDefined();
    await expect(freshGatewayVerify(rotated.token)).resolves.toBeDefined();
    expect(await client.tokenIntrospection(introspector, old.token)).toMatchObject({ active: true });
    expect(await client.tokenIntrospection(introspector, rotated.token)).toMatchObject({ active: true });
    expect(await jwksKids()).toContain(first);

    // The old key leaves JWKS only after every token it signed has expired (plus skew)…
    const { exp } = JSON.parse(Buffer.from(old.token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    await until('the old key to leave JWKS', async () => ((await jwksKids()).includes(first) ? undefined : true));
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(exp + 1 - 0.5);
    // …and the old token is then rejected as expired, not as unknown.
    await expect(freshGatewayVerify(old.token)).rejects.toThrow();
    expect(await client.tokenIntrospection(introspector, old.token)).toEqual({ active: false });
    await expect(freshGatewayVerify((await issue()).token)).resolves.toBeDefined();
  }, 40_000);

  it('keeps private keys in Vault only, and prunes keys past publication from there too', async () => {
    const ring = (await vaultKv.read(`${server.isolation.vaultPrefix}/signing-keys`)) as { keys: { kid: string; privateJwk: JWK; notAfter: string }[] };
    expect(ring.keys.length).toBeGreaterThan(0);
    expect(ring.keys.length).toBeLessThanOrEqual(4);
    for (const k of ring.keys) expect(k.privateJwk.d).toEqual(expect.any(String));
    const served = await jwksKids();
    for (const k of ring.keys) if (Date.parse(k.notAfter) + (TTL + 1) * 1000 > Date.now() + 1000) expect(served).toContain(k.kid);
  });
});
