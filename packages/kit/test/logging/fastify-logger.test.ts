import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, toFastifyLogger } from '../../src/logging/index.js';
import { captureStdout } from './capture.js';

function setup(level: 'info' | 'trace' = 'info') {
  const out = captureStdout();
  const logger = createLogger({ serviceName: 'orders', level, stdout: out.stream });
  return { out, logger, log: toFastifyLogger(logger) };
}

describe('toFastifyLogger', () => {
  it("is accepted as fastify's loggerInstance and turns its request lines into ECS with the request id", async () => {
    const { out, log } = setup();
    const app = Fastify({ loggerInstance: log, genReqId: () => 'req-42' });
    app.get('/orders/:id', async (request) => {
      request.log.info({ 'order.id': 7 }, 'loading order');
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: '/orders/7?expand=lines', headers: { 'user-agent': 'test-agent' } });
    await app.close();
    const lines = out.lines();
    const incoming = lines.find((l) => l['message'] === 'incoming request');
    const handler = lines.find((l) => l['message'] === 'loading order');
    const completed = lines.find((l) => l['message'] === 'request completed');
    expect(incoming).toMatchObject({
      'http.request.id': 'req-42',
      'http.request.method': 'GET',
      'url.path': '/orders/7',
      'url.query': 'expand=lines',
      'user_agent.original': 'test-agent',
      'service.name': 'orders',
    });
    expect(handler).toMatchObject({ 'http.request.id': 'req-42', 'order.id': 7 });
    expect(completed).toMatchObject({ 'http.request.id': 'req-42', 'http.response.status_code': 200, 'event.duration': expect.any(Number) });
    expect(JSON.stringify(lines)).not.toContain('"req":');
  });

  it("logs fastify's request errors with ECS error fields", async () => {
    const { out, log } = setup();
    const app = Fastify({ loggerInstance: log });
    app.get('/boom', async () => {
      throw new RangeError('out of stock');
    });
    await app.inject('/boom');
    await app.close();
    const errored = out.lines().find((l) => l['log.level'] === 'error');
    expect(errored).toMatchObject({ error: { type: 'RangeError', message: 'out of stock' }, 'http.response.status_code': 500 });
  });

  it("understands pino's call forms: format arguments, (object, message) and (error)", () => {
    const { out, log } = setup();
    log.info('%s has %d items', 'cart', 3);
    log.warn({ 'cart.id': 'c1' }, 'cart %s abandoned', 'c1');
    log.error(new Error('disk full'));
    log.error(new Error('write failed'), 'could not save %s', 'order');
    expect(out.lines().map((l) => l['message'])).toEqual(['cart has 3 items', 'cart c1 abandoned', 'disk full', 'could not save order']);
    expect(out.lines()[1]).toMatchObject({ 'cart.id': 'c1' });
    expect(out.lines()[3]).toMatchObject({ error: { message: 'write failed' } });
  });

  it('lets a child (a route with logLevel) be stricter than its parent', () => {
    const { out, log } = setup();
    const quiet = log.child({ reqId: 'r1' }, { level: 'warn' });
    quiet.info('dropped');
    quiet.warn('kept');
    log.info('parent still logs info');
    expect(out.lines().map((l) => l['message'])).toEqual(['kept', 'parent still logs info']);
    expect(out.lines()[0]).toMatchObject({ 'http.request.id': 'r1' });
    expect(quiet.level).toBe('warn');
  });

  it('writes nothing at level silent', () => {
    const { out, log } = setup();
    log.level = 'silent';
    log.fatal('nothing');
    log.silent('nothing');
    expect(out.lines()).toEqual([]);
  });
});
