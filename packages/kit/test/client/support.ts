import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { resolveSettings } from '../../src/config/index.js';
import { ClientSettings, createServiceClient, type ServiceClient, type ServiceTokenProvider } from '../../src/client/index.js';
import { StaticResolver } from '../../src/discovery/index.js';
import { recordingLogger } from '../discovery/support.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  /** Resolves when the client closed the connection before we answered. */
  aborted: Promise<void>;
}

export type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1:0 standing in for another service. */
export interface Origin {
  url: string;
  seen: Seen[];
  server: Server;
  close(): Promise<void>;
}

export async function startOrigin(handler: Handler): Promise<Origin> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const aborted = new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve()));
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString(), aborted };
      seen.push(s);
      void Promise.resolve(handler(s, res)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Fast, deterministic defaults for tests: tiny backoff, generous thresholds unless a test tightens them. */
const testDefaults: Record<string, unknown> = {
  'defaults.retry.initialDelayMs': 1,
  'defaults.retry.maxDelayMs': 5,
  'defaults.timeoutMs': 5_000,
};

export function clientSettings(flat: Record<string, unknown> = {}): ClientSettings {
  return resolveSettings(ClientSettings, { ...testDefaults, ...flat });
}

export interface TestClient {
  client: ServiceClient;
  registry: Registry;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/** A client whose target `svc` resolves statically to the given base URLs. */
export function testClient(urls: string[], flat: Record<string, unknown> = {}, tokenProvider?: ServiceTokenProvider): TestClient {
  const registry = new Registry();
  const logger = recordingLogger();
  const resolver = new StaticResolver({ services: { svc: urls }, quarantineMs: 10_000 });
  const client = createServiceClient({ resolver, settings: clientSettings(flat), logger, registry, ...(tokenProvider && { tokenProvider }) });
  return { client, registry, logger, close: () => client.close() };
}

/** The rejection of a promise, for asserting on ProblemErrors. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
