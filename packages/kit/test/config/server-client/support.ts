import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveSettings } from '../../../src/config/settings.js';
import { ConfigClientSettings } from '../../../src/config/server-client/index.js';

/** A real HTTP server on 127.0.0.1:0 standing in for the config server. */
export interface StubServer {
  url: string;
  requests: Array<{ url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function stubServer(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<StubServer> {
  const requests: StubServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}

export function environment(version: string, sources: Array<Record<string, unknown>>) {
  return { name: 'orders', profiles: ['default'], label: 'main', version, state: null, propertySources: sources.map((source, i) => ({ name: `file:///repo/${i}.yml`, source })) };
}

export function settings(overrides: Record<string, unknown>) {
  return resolveSettings(ConfigClientSettings, { 'config.server.retry.initialMs': 1, 'config.server.retry.maxMs': 5, ...overrides }).config.server;
}
