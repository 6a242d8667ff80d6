import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogPlugin, createLogger } from '../../src/logging/index.js';
import { captureStdout } from './capture.js';

const provider = new NodeTracerProvider();
beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

async function appWithAccessLog(ignorePaths?: string[]) {
  const out = captureStdout();
  const logger = createLogger({ serviceName: 'orders', stdout: out.stream });
  const app = Fastify({ genReqId: () => 'req-1' });
  await app.register(accessLogPlugin, { logger, ...(ignorePaths && { ignorePaths }) });
  app.get('/orders/:id', async () => ({ ok: true }));
  app.get('/health/live', async () => ({ status: 'UP' }));
  return { app, out };
}

describe('accessLogPlugin', () => {
  it('writes one line per request with method, route pattern, status, duration and request id', async () => {
    const { app, out } = await appWithAccessLog();
    await app.inject({ url: '/orders/42?expand=lines', headers: { 'user-agent': 'curl/8' } });
    await app.close();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      message: 'GET /orders/:id 200',
      'log.logger': 'access',
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'http.request.id': 'req-1',
      'url.path': '/orders/42',
      'url.query': 'expand=lines',
      'user_agent.original': 'curl/8',
      'event.outcome': 'success',
      'event.duration': expect.any(Number),
    });
    expect(Number.isInteger(lines[0]?.['event.duration'])).toBe(true);
  });

  it("logs requests no route matched under route 'unmatched', with their path in the message", async () => {
    const { app, out } = await appWithAccessLog();
    await app.inject('/nothing/here');
    await app.close();
    expect(out.lines()[0]).toMatchObject({ message: 'GET /nothing/here 404', 'http.route': 'unmatched', 'http.response.status_code': 404 });
  });

  it('skips the health probes and /metrics by default, and the paths given otherwise', async () => {
    const first = await appWithAccessLog();
    await first.app.inject('/health/live');
    await first.app.close();
    expect(first.out.lines()).toEqual([]);
    const second = await appWithAccessLog(['/orders/1']);
    await second.app.inject('/orders/1?x=1');
    await second.app.inject('/health/live');
    await second.app.close();
    expect(second.out.lines().map((l) => l['url.path'])).toEqual(['/health/live']);
  });

  it('records the trace id of the request it logs', async () => {
    const { app, out } = await appWithAccessLog();
    const traceId = await trace.getTracer('test').startActiveSpan('client', async (span) => {
      await app.inject('/orders/1');
      span.end();
      return span.spanContext().traceId;
    });
    await app.close();
    expect(out.lines()[0]).toMatchObject({ 'trace.id': traceId });
  });

  it('refuses to start without a logger', async () => {
    const app = Fastify();
    await expect(app.register(accessLogPlugin, {} as never).ready()).rejects.toThrow(/logger/);
  });
});
