import { EventEmitter } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';

// ws ships no types (and @types/ws is not installed): the members these tests use.
export interface WsSocket extends EventEmitter {
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
interface WsServer extends EventEmitter {
  readonly clients: Set<WsSocket>;
  close(): void;
}
interface Ws {
  WebSocket: new (url: string, protocols?: string[], options?: { headers?: Record<string, string> }) => WsSocket;
  WebSocketServer: new (options: {
    server: Server;
    handleProtocols?: (protocols: Set<string>) => string | false;
    verifyClient?: (info: { req: IncomingMessage }) => boolean;
  }) => WsServer;
}
const ws = createRequire(import.meta.url)('ws') as Ws;

/** A WebSocket echo server on 127.0.0.1:0 refusing paths with `refuse` (plain HTTP requests get their request back as JSON). */
export interface WsUpstream {
  name: string;
  label: string;
  port: number;
  /** Handshakes that reached this instance, in order. */
  handshakes: Array<{ url: string; headers: IncomingHttpHeaders }>;
  /** Emits 'close' each time one of its WebSockets closes. */
  events: EventEmitter;
  /** Closes every WebSocket it holds from its side. */
  closeAll(): void;
  stop(): Promise<void>;
}

export async function startWsUpstream(name: string, label: string): Promise<WsUpstream> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ instance: label, method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  const wss = new ws.WebSocketServer({
    server,
    handleProtocols: (offered) => (offered.has('chat.v1') ? 'chat.v1' : false),
    verifyClient: ({ req }) => !req.url?.includes('refuse'), // ws answers 401 itself
  });
  const events = new EventEmitter();
  const handshakes: WsUpstream['handshakes'] = [];
  wss.on('connection', (socket: WsSocket, req: IncomingMessage) => {
    handshakes.push({ url: req.url ?? '', headers: req.headers });
    socket.send(`welcome from ${label}`); // unprompted: upstream → client on its own
    socket.on('message', (data: Buffer) => socket.send(`echo ${label}: ${data.toString()}`));
    socket.on('close', () => events.emit('close'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    name,
    label,
    port: typeof addr === 'object' && addr ? addr.port : 0,
    handshakes,
    events,
    closeAll: () => wss.clients.forEach((c) => c.close(1001, 'going away')),
    stop: async () => {
      wss.clients.forEach((c) => c.terminate());
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A client WebSocket whose messages are queued from the start, so none is missed before `next()`. */
export interface WsClient {
  socket: WsSocket;
  /** Headers of the 101 the client got. */
  upgradeHeaders: IncomingHttpHeaders;
  next(): Promise<string>;
  closed: Promise<number>;
}

export async function openClient(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<WsClient> {
  const socket = new ws.WebSocket(url, protocols, { headers });
  const queue: string[] = [];
  const waiting: Array<(m: string) => void> = [];
  socket.on('message', (data: Buffer) => {
    const m = data.toString();
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  let upgradeHeaders: IncomingHttpHeaders = {};
  socket.once('upgrade', (res: IncomingMessage) => (upgradeHeaders = res.headers));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    upgradeHeaders,
    next: () => {
      const m = queue.shift();
      return m !== undefined ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An Upgrade request by hand, for answers a WebSocket client only reports as a failure: status, headers and body as sent. */
export function upgradeRequest(url: string, headers: OutgoingHttpHeaders = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      reject(new Error(`unexpected ${res.statusCode} upgrade`));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
