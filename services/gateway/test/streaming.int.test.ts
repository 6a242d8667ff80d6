import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInConsul, startGateway, unique } from './support/harness.js';

const EVENTS = 3;

// A streamed response through a listening gateway (inject() would buffer it):
// the upstream writes an event, then waits until the client has received it
// before writing the next one. A gateway that buffered the body would let the
// client see nothing until the end, and the log below would come out in
// another order (the wait has a fallback, so that shows as a failed assertion,
// not a hung test).
describe('streamed responses', () => {
  const name = unique('sse');
  const log: string[] = [];
  const gates = Array.from({ length: EVENTS }, () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });
  let upstream: Server;
  let deregister: () => Promise<void>;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let base: string;

  beforeAll(async () => {
    upstream = createServer((_req, res) => {
      void (async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (let i = 1; i <= EVENTS; i++) {
          res.write(`id: ${i}\ndata: event ${i}\n\n`);
          log.push(`upstream sent ${i}`);
          await Promise.race([gates[i - 1]!.promise, sleep(5_000)]);
        }
        log.push('upstream finished');
        res.end();
      })();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const addr = upstream.address();
    deregister = await registerInConsul({ name, label: 'a', port: typeof addr === 'object' && addr ? addr.port : 0 });
    // The route timeout is also the longest pause allowed between body chunks: above the fallback wait.
    gw = await startGateway({ 'gateway.routes': [{ id: 'sse', path: '/api/sse', service: name, auth: 'public', stripPrefix: 1, timeoutMs: 20_000 }] });
    base = await gw.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await gw?.stop();
    await deregister?.();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('passes each event on as the upstream writes it, before the upstream has finished', async () => {
    const res = await fetch(`${base}/api/sse/events`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    let text = '';
    let received = 0;
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      while (received < EVENTS && text.includes(`data: event ${received + 1}\n\n`)) {
        received += 1;
        log.push(`client received ${received}`);
        gates[received - 1]!.resolve();
      }
    }
    log.push('client saw the end');
    expect(log).toEqual(['upstream sent 1', 'client received 1', 'upstream sent 2', 'client received 2', 'upstream sent 3', 'client received 3', 'upstream finished', 'client saw the end']);
    expect(text).toBe('id: 1\ndata: event 1\n\nid: 2\ndata: event 2\n\nid: 3\ndata: event 3\n\n');
  });
});
