import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, api, cleanUp, startAuthServer, type TestServer } from './support/harness.js';

// A real OIDC client library against the real server over HTTP. Plain http
// on loopback needs allowInsecureRequests; nothing else is relaxed.
const insecure = { execute: [client.allowInsecureRequests] };

let server: TestServer;
let issuer: URL;

beforeAll(async () => {
  server = await startAuthServer();
  issuer = new URL(server.url);
});

afterAll(async () => {
  await server?.stop();
  if (server) await cleanUp(server.isolation);
});

/** What the gateway will do: verify against the published JWKS, pinning issuer, audience and algorithm. */
async function gatewayVerify(token: string) {
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url));
  return jwtVerify(token, jwks, { issuer: server.url, audience: 'nimbus', algorithms: ['ES256'] });
}

describe('OIDC discovery', () => {
  it('is discovered by openid-client, with every endpoint under the issuer', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), insecure);
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(server.url);
    expect(meta).toMatchObject({
      token_endpoint: `${server.url}/oauth2/token`,
      jwks_uri: `${server.url}/.well-known/jwks.json`,
      userinfo_endpoint: `${server.url}/userinfo`,
      introspection_endpoint: `${server.url}/oauth2/introspect`,
      revocation_endpoint: `${server.url}/oauth2/revoke`,
      id_token_signing_alg_values_supported: ['ES256'],
      grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
    });
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'inventory:write', 'products:read']));
  });

  it('serves the same JWKS at the Spring path /oauth2/jwks, public members only', async () => {
    const a = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    const b = await (await fetch(`${server.url}/oauth2/jwks`)).json();
    expect(b).toEqual(a);
    const keys = (a as { keys: Record<string, unknown>[] }).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k).not.toHaveProperty('d');
    }
  });
});

describe('client_credentials', () => {
  it('issues a service token (client_secret_basic) that verifies against the published JWKS', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), insecure);
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(300);
    expect(tokens.refresh_token).toBeUndefined();
    const { payload, protectedHeader } = await gatewayVerify(tokens.access_token);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ iss: server.url, aud: 'nimbus', sub: 'order-service', client_id: 'order-service', scope: 'inventory:write products:read', roles: [] });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('authenticates with client_secret_post and narrows the scope on request', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretPost(await server.clientSecret('order-service')), insecure);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'products:read' });
    expect(tokens.scope).toBe('products:read');
    expect((await gatewayVerify(tokens.access_token)).payload.scope).toBe('products:read');
  });

  it('refuses a wrong secret with invalid_client, 401 and a Basic challenge', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretBasic('wrong-secret-but-long-enough'), insecure);
    const err = await client.clientCredentialsGrant(config).catch((e: unknown) => e);
    // RFC 6749 §5.2: a client that tried Basic gets a Basic challenge, which openid-client surfaces as such.
    expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = err as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause).toEqual([{ scheme: 'basic', parameters: { realm: 'nimbus' } }]);
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses scopes the client was not given with invalid_scope', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), insecure);
    await expect(client.clientCredentialsGrant(config, { scope: 'orders:admin' })).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('refuses client_credentials to a public client', async () => {
    const config = await client.discovery(issuer, 'nimbus-web', undefined, client.None(), insecure);
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({ error: expect.stringMatching(/^(invalid_client|unauthorized_client)$/) });
  });
});

describe('password and refresh_token grants', () => {
  it('logs a user in (password grant), refreshes with rotation, serves userinfo, introspects and revokes', async () => {
    const reg = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'Ada@Example.test', password: 'analytical engine 1843' } });
    expect(reg.status).toBe(201);
    const sub = String(reg.body['id']);

    const config = await client.discovery(issuer, 'gateway', undefined, client.ClientSecretBasic(await server.clientSecret('gateway')), insecure);
    const login = await client.genericGrantRequest(config, 'password', { username: 'ada@example.test', password: 'analytical engine 1843', scope: 'openid email' });
    expect(login.refresh_token).toEqual(expect.any(String));
    // openid-client has validated the ID token (iss, aud = client, alg from discovery, exp, iat).
    expect(login.claims()).toMatchObject({ sub, aud: 'gateway', iss: server.url, email: 'ada@example.test' });
    const access = await gatewayVerify(login.access_token);
    expect(access.payload).toMatchObject({ sub, client_id: 'gateway', scope: 'openid email', roles: ['customer'], aud: 'nimbus' });

    const refreshed = await client.refreshTokenGrant(config, login.refresh_token!);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(login.refresh_token);
    expect((await gatewayVerify(refreshed.access_token)).payload).toMatchObject({ sub, scope: 'openid email' });
    expect(refreshed.claims()?.sub).toBe(sub);

    const info = await client.fetchUserInfo(config, refreshed.access_token, sub);
    expect(info).toEqual({ sub, email: 'ada@example.test', email_verified: false, roles: ['customer'] });

    const introspected = await client.tokenIntrospection(config, refreshed.access_token);
    expect(introspected).toMatchObject({ active: true, sub, client_id: 'gateway', scope: 'openid email', roles: ['customer'], token_type: 'Bearer', iss: server.url });
    expect(await client.tokenIntrospection(config, refreshed.refresh_token!)).toMatchObject({ active: true, sub, client_id: 'gateway', token_type: 'refresh_token' });

    // RFC 7009: revoking the refresh token ends the session, including the access token issued with it.
    await client.tokenRevocation(config, refreshed.refresh_token!);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
  });

  it('lets a public first-party client log in with its client_id alone and refresh', async () => {
    const config = await client.discovery(issuer, 'nimbus-web', undefined, client.None(), insecure);
    const login = await client.genericGrantRequest(config, 'password', { username: ADMIN_EMAIL, password: await server.adminPassword(), scope: 'openid' });
    expect((await gatewayVerify(login.access_token)).payload.roles).toEqual(['admin']);
    const refreshed = await client.refreshTokenGrant(config, login.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
  });

  it('answers a wrong password with invalid_grant and the same message as an unknown user', async () => {
    const config = await client.discovery(issuer, 'nimbus-web', undefined, client.None(), insecure);
    const wrong = await client.genericGrantRequest(config, 'password', { username: ADMIN_EMAIL, password: 'not the password' }).catch((e: unknown) => e);
    const unknown = await client.genericGrantRequest(config, 'password', { username: 'nobody@example.test', password: 'not the password' }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect((unknown as client.ResponseBodyError).error_description).toBe((wrong as client.ResponseBodyError).error_description);
  });

  it('refuses userinfo without the openid scope (insufficient_scope) and for client tokens', async () => {
    const config = await client.discovery(issuer, 'order-service', undefined, client.ClientSecretBasic(await server.clientSecret('order-service')), insecure);
    const { access_token } = await client.clientCredentialsGrant(config);
    const res = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('signs ID tokens with the published key, typ JWT so they cannot pass as access tokens', async () => {
    const config = await client.discovery(issuer, 'gateway', undefined, client.ClientSecretBasic(await server.clientSecret('gateway')), insecure);
    const login = await client.genericGrantRequest(config, 'password', { username: ADMIN_EMAIL, password: await server.adminPassword(), scope: 'openid' });
    expect(decodeProtectedHeader(login.id_token!)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(await client.tokenIntrospection(config, login.id_token!)).toEqual({ active: false });
  });
});
