import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cleanUp, form, startAuthServer, type TestServer } from './support/harness.js';

let server: TestServer;
let web: client.Configuration;
let gatewayIntrospect: client.Configuration;
const insecure = { execute: [client.allowInsecureRequests] };

beforeAll(async () => {
  server = await startAuthServer();
  web = await client.discovery(new URL(server.url), 'nimbus-web', undefined, client.None(), insecure);
  gatewayIntrospect = await client.discovery(new URL(server.url), 'gateway', undefined, client.ClientSecretBasic(await server.clientSecret('gateway')), insecure);
  await api(server.url, 'POST', '/api/auth/register', { body: { email: 'grace@example.test', password: 'cobol compiler 1959' } });
});

afterAll(async () => {
  await server?.stop();
  if (server) await cleanUp(server.isolation);
});

const login = () => client.genericGrantRequest(web, 'password', { username: 'grace@example.test', password: 'cobol compiler 1959' });

describe('refresh token rotation', () => {
  it('revokes the whole family when a rotated-out refresh token is used again', async () => {
    const first = await login();
    const second = await client.refreshTokenGrant(web, first.refresh_token!);
    const third = await client.refreshTokenGrant(web, second.refresh_token!);

    // An attacker replays the first token: refused, and the session is over for everyone.
    await expect(client.refreshTokenGrant(web, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(web, third.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The access tokens issued in that family are revoked too (until they would have expired).
    expect(await client.tokenIntrospection(gatewayIntrospect, third.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(gatewayIntrospect, first.access_token)).toEqual({ active: false });
  });

  it('leaves other sessions of the same user alone', async () => {
    const a = await login();
    const b = await login();
    await client.refreshTokenGrant(web, a.refresh_token!);
    await expect(client.refreshTokenGrant(web, a.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const stillFine = await client.refreshTokenGrant(web, b.refresh_token!);
    expect(await client.tokenIntrospection(gatewayIntrospect, stillFine.access_token)).toMatchObject({ active: true });
  });

  it('lets only one of two concurrent uses of a token win, and treats the other as reuse', async () => {
    const session = await login();
    const results = await Promise.allSettled([client.refreshTokenGrant(web, session.refresh_token!), client.refreshTokenGrant(web, session.refresh_token!)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<client.TokenEndpointResponse>).value;
    await expect(client.refreshTokenGrant(web, winner.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes the family when another client presents the refresh token', async () => {
    const session = await login();
    const stolen = await form(server.url, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: session.refresh_token! }, ['gateway', await server.clientSecret('gateway')]);
    expect(stolen.status).toBe(400);
    expect(stolen.body).toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(web, session.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('does not grant more scope on refresh than at login', async () => {
    const session = await client.genericGrantRequest(web, 'password', { username: 'grace@example.test', password: 'cobol compiler 1959', scope: 'openid' });
    await expect(client.refreshTokenGrant(web, session.refresh_token!, { scope: 'openid email' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('ends the session on logout with the refresh token', async () => {
    const session = await login();
    const out = await api(server.url, 'POST', '/api/auth/logout', { token: session.access_token, body: { refreshToken: session.refresh_token } });
    expect(out.status).toBe(204);
    await expect(client.refreshTokenGrant(web, session.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await api(server.url, 'GET', '/api/auth/me', { token: session.access_token })).status).toBe(401);
  });
});
