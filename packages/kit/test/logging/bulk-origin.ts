import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedBulk {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The documents of the request (every second NDJSON line), parsed. */
  documents: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
}

type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/**
 * A stand-in for the receiving end of `_bulk`, on 127.0.0.1 port 0, to test
 * the shipper's own behaviour (batching, back-pressure, retries). The
 * integration tests talk to the live Elasticsearch instead.
 */
export async function startBulkOrigin(answer: (n: number, req: ReceivedBulk) => Answer = () => ({ status: 200, body: '{"errors":false}' })) {
  const received: ReceivedBulk[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const bulk: ReceivedBulk = {
        url: req.url ?? '',
        headers: req.headers,
        body,
        actions: lines.filter((_, i) => i % 2 === 0),
        documents: lines.filter((_, i) => i % 2 === 1),
      };
      received.push(bulk);
      const a = answer(received.length, bulk);
      if (a === 'hang') return void hanging.push(res);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    messages: () => received.flatMap((r) => r.documents.map((d) => d['message'])),
    /** Answers every request held so far with 200. */
    release() {
      for (const res of hanging.splice(0)) res.writeHead(200).end('{"errors":false}');
    },
    async close() {
      for (const res of hanging.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const origin = await startBulkOrigin();
  await origin.close();
  return origin.url;
}
