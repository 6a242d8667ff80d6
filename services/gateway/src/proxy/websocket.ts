import { request as httpRequest, ServerResponse, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Identity } from '../auth/rules.js';
import { AttemptFailure, classify } from './attempt.js';
import { FAILURE_STATUSES, upstreamHeaders, type AttemptFn } from './forward.js';

// WebSocket pass-through on the server's 'upgrade' event, not @fastify/http-proxy's
// `websocket` option: that one completes the client's handshake before it connects
// upstream (a dead instance or the upstream's own refusal cannot be answered in
// HTTP, nor retried elsewhere), takes one upstream and prefix rewrite per
// registration (ours are per request: route table, StripPrefix/PrefixPath,
// discovery), re-frames every message and forwards only the first subprotocol.
// Here the handshake is an ordinary request through the gateway's hooks (route,
// auth, rate limit) and forward()'s retries, breaker and quarantine; the
// upstream's own 101 (subprotocol, extensions) goes back as is, then bytes are
// spliced both ways, frames untouched.

interface Upgrade {
  socket: Socket;
  head: Buffer;
}

/** Hop-by-hop headers: about one connection, never relayed as they are. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers.connection ?? '').toLowerCase().split(',').map((h) => h.trim());
  const drop = new Set([...HOP_BY_HOP, ...listed]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name)));
}

export interface WebSockets {
  /** The attempt that opens a tunnel for a WebSocket handshake; undefined for any other request. */
  attemptFor(request: FastifyRequest, routeId: string): AttemptFn | undefined;
}

/**
 * Routes WebSocket handshakes through the app like any request: Node hands
 * over the bare socket, so the answer is written on a response of our own
 * (Connection: close; the socket ends after it unless it was a 101). Tunnels
 * are cut when the app closes, which would otherwise wait for them.
 */
export function acceptWebSockets(app: FastifyInstance, registry: Registry): WebSockets {
  const pending = new WeakMap<IncomingMessage, Upgrade>();
  const open = new Set<Socket>();
  const gauge = metric(registry, 'nimbus_gateway_websockets_open', () => new Gauge({ name: 'nimbus_gateway_websockets_open', help: 'WebSocket tunnels open, per route', labelNames: ['route'], registers: [registry] }));
  const opened = metric(registry, 'nimbus_gateway_websockets_opened_total', () => new Counter({ name: 'nimbus_gateway_websockets_opened_total', help: 'WebSocket tunnels opened, per route', labelNames: ['route'], registers: [registry] }));

  app.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (req.method !== 'GET' || !/\bwebsocket\b/i.test(req.headers.upgrade ?? '')) return asPlainHttp(app.server, req, socket, head);
    socket.on('error', () => socket.destroy()); // Node dropped its own listener: an unhandled reset would crash the process
    pending.set(req, { socket, head });
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => {
      res.detachSocket(socket);
      if (res.statusCode !== 101) socket.destroySoon();
    });
    app.routing(req, res);
  });
  app.addHook('preClose', async () => {
    for (const s of open) s.destroy();
  });

  const track = (route: string, client: Socket, upstream: Socket) => {
    open.add(client).add(upstream);
    gauge.inc({ route });
    opened.inc({ route });
    splice(client, upstream, () => {
      open.delete(client);
      open.delete(upstream);
      gauge.dec({ route });
    });
  };
  return {
    attemptFor(request, routeId) {
      const upgrade = pending.get(request.raw);
      return upgrade && handshake(upgrade, (client, upstream) => track(routeId, client, upstream));
    },
  };
}

/**
 * Any other upgrade (h2c, from curl --http2 or Java's HttpClient) is served
 * as if it had not asked, as Node does when nobody listens for upgrades: the
 * request goes back to the HTTP parser without its Upgrade header, its body
 * bytes after it (Node gives them here as `head`, not as the request's body).
 */
function asPlainHttp(server: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name = '', value = ''] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    const lower = name.toLowerCase();
    if (lower === 'upgrade') continue;
    const kept = lower === 'connection' ? value.split(',').map((t) => t.trim()).filter((t) => t && t.toLowerCase() !== 'upgrade').join(', ') : value;
    if (kept) lines.push(`${name}: ${kept}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}

function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Request headers for the upstream handshake: those of any proxied request, this connection's own hop-by-hop ones replaced. */
function handshakeHeaders(request: FastifyRequest, identity: Identity | undefined, host: string) {
  const headers = upstreamHeaders(request, endToEnd(request.headers), identity);
  return { ...headers, host, connection: 'Upgrade', upgrade: 'websocket' };
}

/**
 * One handshake with one instance, as a forward() attempt: refused, reset,
 * timed out or 502/503/504 fail it (retried, quarantined, counted by the
 * breaker); any other non-101 answer goes to the client as is; a 101 goes
 * back verbatim (so fastify logs and counts it) and the sockets are spliced.
 */
function handshake(upgrade: Upgrade, onTunnel: (client: Socket, upstream: Socket) => void): AttemptFn {
  return (request, reply, instance, path, opts) =>
    new Promise<void>((resolve, reject) => {
      const { socket: client, head } = upgrade;
      if (client.destroyed) return resolve();
      const target = new URL(instance.url);
      const up = (target.protocol === 'https:' ? httpsRequest : httpRequest)({
        host: target.hostname,
        port: target.port,
        path,
        method: 'GET',
        agent: false, // the socket becomes the tunnel's, never pooled
        headers: handshakeHeaders(request, opts.identity, target.host),
      });
      let connected = false;
      let settled = false;
      const settle = (err?: AttemptFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.off('close', onClientGone);
        if (err) reject(err);
        else resolve();
      };
      const onClientGone = () => {
        settle();
        up.destroy();
      };
      client.once('close', onClientGone);
      // Until connected it counts as refused (nothing sent, any instance may be tried), like undici's connect timeout.
      const timer = setTimeout(() => {
        settle(new AttemptFailure(connected ? 'timeout' : 'refused', instance));
        up.destroy();
      }, opts.timeoutMs);
      up.once('socket', (s) => s.once('connect', () => void (connected = true)));
      up.on('error', (err) => settle(classify(err, instance)));
      up.on('response', (res) => {
        const status = res.statusCode ?? 502;
        const failure = FAILURE_STATUSES.has(status) ? new AttemptFailure('status', instance, status) : undefined;
        if (!failure || opts.sendFailure) {
          void reply.code(status).headers(endToEnd(res.headers)).send(res);
          if (failure) failure.sent = true;
        } else {
          res.resume();
        }
        settle(failure);
      });
      up.on('upgrade', (res, upstream: Socket, upstreamHead: Buffer) => {
        if (settled) return void upstream.destroy(); // timed out, or the client left, meanwhile
        settle();
        reply.hijack();
        const headers = res.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 && v.toLowerCase() !== 'x-request-id' ? [v, all[i + 1] ?? ''] : []));
        reply.raw.writeHead(101, res.statusMessage, [...headers, 'x-request-id', request.id]);
        reply.raw.end();
        if (upstreamHead.length > 0) client.write(upstreamHead);
        if (head.length > 0) upstream.write(head);
        onTunnel(client, upstream);
      });
      up.end();
    });
}

/** Pipes both ways; when either side closes or fails, both are closed. */
function splice(client: Socket, upstream: Socket, onClosed: () => void): void {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    client.destroy();
    upstream.destroy();
    onClosed();
  };
  for (const s of [client, upstream]) {
    s.setTimeout(0); // idle tunnels are the peers' business (WebSocket pings)
    s.setNoDelay(true);
    s.on('error', close).on('close', close);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}
