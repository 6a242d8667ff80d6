import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, registerInConsul, startGateway, startIssuer, unique, type TestIssuer } from './support/harness.js';
import { openClient, startWsUpstream, upgradeRequest, type WsUpstream } from './support/websocket.js';

// WebSocket pass-through: real echo upstreams (ws) registered in live Consul,
// a listening gateway, real clients. Refusals are read with plain HTTP
// Upgrade requests, since a WebSocket client only reports them as errors.
describe('WebSocket pass-through', () => {
  const name = unique('ws');
  let a: WsUpstream;
  let b: WsUpstream;
  let issuer: TestIssuer;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let base: string;
  const deregister: Array<() => Promise<void>> = [];
  const handshakes = () => a.handshakes.length + b.handshakes.length;

  beforeAll(async () => {
    [a, b, issuer] = await Promise.all([startWsUpstream(name, 'a'), startWsUpstream(name, 'b'), startIssuer()]);
    for (const up of [a, b]) deregister.push(await registerInConsul(up));
    gw = await startGateway({
      'gateway.routes': [
        { id: 'ws', path: '/api/ws', service: name, auth: 'authenticated', stripPrefix: 2, prefixPath: '/chat' },
        { id: 'ws-admin', path: '/api/ws-admin', service: name, auth: 'authenticated', rules: [{ methods: ['GET'], roles: ['admin'] }] },
        { id: 'ws-public', path: '/api/ws-public', service: name, auth: 'public' },
        { id: 'ghost', path: '/api/ghost', service: unique('ghost'), auth: 'public' },
      ],
      'gateway.auth.jwksUrl': issuer.jwksUrl,
      'gateway.auth.issuer': ISSUER,
      [`client.services.${name}`]: { retry: { initialDelayMs: 1, maxDelayMs: 5 } },
    });
    const url = await gw.app.listen({ host: '127.0.0.1', port: 0 });
    base = url.replace(/^http/, 'ws');
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all(deregister.map((d) => d()));
    await Promise.all([a?.stop(), b?.stop(), issuer?.stop()]);
  });

  const metric = async (name: string) => {
    const text = (await gw.app.inject('/metrics')).body;
    return Number(new RegExp(`^${name}\\{route="ws"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  it('carries messages both ways, with the route rewrite, the subprotocol and the verified identity', async () => {
    const token = await issuer.sign({ sub: 'u-ws', roles: ['customer'], scope: 'chat' });
    const client = await openClient(`${base}/api/ws/room-1?since=5`, { authorization: `Bearer ${token}`, 'x-user-id': 'forged', 'x-request-id': 'rid-ws' }, ['chat.v1']);
    const welcome = await client.next();
    expect(welcome).toMatch(/^welcome from [ab]$/);
    const label = welcome.slice(-1);
    client.socket.send('hello');
    expect(await client.next()).toBe(`echo ${label}: hello`);
    client.socket.send('again');
    expect(await client.next()).toBe(`echo ${label}: again`);
    expect(client.socket.protocol).toBe('chat.v1');
    expect(client.upgradeHeaders['x-request-id']).toBe('rid-ws');
    expect(await metric('nimbus_gateway_websockets_open')).toBe(1);

    const up = label === 'a' ? a : b;
    const seen = up.handshakes.at(-1)!;
    expect(seen.url).toBe('/chat/room-1?since=5');
    expect(seen.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-user-id': 'u-ws', 'x-user-roles': 'customer', 'x-user-scopes': 'chat', 'x-request-id': 'rid-ws', 'x-forwarded-for': '127.0.0.1' });

    const upstreamClosed = once(up.events, 'close');
    client.socket.close(1000, 'bye');
    expect(await client.closed).toBe(1000);
    await upstreamClosed;
    expect(await metric('nimbus_gateway_websockets_open')).toBe(0);
    expect(await metric('nimbus_gateway_websockets_opened_total')).toBe(1);
    // The handshake itself is an ordinary request to the kit's access log and metrics.
    expect((await gw.app.inject('/metrics')).body).toMatch(/^nimbus_http_server_requests_total\{method="GET",route="\/\*",status="101"[^}]*\} 1$/m);
  });

  it('closes the client when the upstream closes', async () => {
    const client = await openClient(`${base}/api/ws-public`);
    await client.next();
    a.closeAll();
    b.closeAll();
    expect(await client.closed).toBe(1001);
  });

  it('refuses a handshake without a token with 401 before any upstream sees it', async () => {
    const before = handshakes();
    const res = await upgradeRequest(`http://${base.slice('ws://'.length)}/api/ws/room-1`);
    expect(res.status).toBe(401);
    expect(res.headers['connection']).toBe('close');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(handshakes()).toBe(before);
  });

  it('refuses with 403 when the route rule is not met, 404 for an unknown path, 503 when the service has no instance', async () => {
    const http = `http://${base.slice('ws://'.length)}`;
    const token = await issuer.sign({ roles: ['customer'] });
    const before = handshakes();
    const forbidden = await upgradeRequest(`${http}/api/ws-admin`, { authorization: `Bearer ${token}` });
    expect(forbidden.status).toBe(403);
    expect(JSON.parse(forbidden.body)).toMatchObject({ code: 'FORBIDDEN' });
    const unknown = await upgradeRequest(`${http}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['connection']).toBe('close');
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'NOT_FOUND' });
    const ghost = await upgradeRequest(`${http}/api/ghost`);
    expect(ghost.status).toBe(503);
    expect(JSON.parse(ghost.body)).toMatchObject({ code: 'NO_INSTANCES' });
    expect(handshakes()).toBe(before);
  });

  it('relays the upstream\'s own refusal of a handshake as it is', async () => {
    const res = await upgradeRequest(`http://${base.slice('ws://'.length)}/api/ws-public/refuse`);
    expect(res.status).toBe(401);
    expect(res.body).toBe('Unauthorized');
    expect(res.headers['connection']).toBe('close');
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('serves other Upgrade requests (h2c) as plain HTTP/1.1, body included, as if they had not asked', async () => {
    const h2c = { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__', 'content-type': 'text/plain' };
    const res = await upgradeRequest(`http://${base.slice('ws://'.length)}/api/ws-public/plain`, h2c, 'hello');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(body).toMatchObject({ method: 'POST', url: '/api/ws-public/plain', body: 'hello' });
    expect(body.headers['upgrade']).toBeUndefined();
    expect(body.headers['http2-settings']).toBeUndefined();
  });

  it('spreads connections round-robin and skips an instance that stopped', async () => {
    const labels: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await openClient(`${base}/api/ws-public`);
      labels.push((await client.next()).slice(-1));
      client.socket.close();
    }
    expect(new Set(labels)).toEqual(new Set(['a', 'b']));
    await b.stop();
    for (let i = 0; i < 4; i++) {
      const client = await openClient(`${base}/api/ws-public`);
      expect(await client.next()).toBe('welcome from a');
      client.socket.close();
    }
  });

  it('cuts open tunnels when the gateway stops rather than waiting for them', async () => {
    const client = await openClient(`${base}/api/ws-public`);
    await client.next();
    await gw.stop();
    expect(await client.closed).toBe(1006); // no close frame: the bytes are the peers', the gateway only drops the connection
  });
});
