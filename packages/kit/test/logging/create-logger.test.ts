import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/index.js';
import { CapturingTransport, captureStdout } from './capture.js';

const provider = new NodeTracerProvider();
beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

describe('createLogger', () => {
  it('writes one ECS JSON line per call with the service identity', () => {
    const out = captureStdout();
    const logger = createLogger({ serviceName: 'orders', serviceVersion: '2.0.1', stdout: out.stream });
    logger.info('order placed', { 'order.id': 42 });
    const [line] = out.lines();
    expect(line).toMatchObject({
      'log.level': 'info',
      message: 'order placed',
      'service.name': 'orders',
      'service.version': '2.0.1',
      'order.id': 42,
      'ecs.version': expect.any(String),
      '@timestamp': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(line).not.toHaveProperty('level');
  });

  it('adds trace.id and span.id of the span active when the call is made', () => {
    const out = captureStdout();
    const logger = createLogger({ serviceName: 'orders', stdout: out.stream });
    let expected: { traceId: string; spanId: string } | undefined;
    trace.getTracer('test').startActiveSpan('handle', (span) => {
      expected = span.spanContext();
      logger.info('inside');
      span.end();
    });
    logger.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ 'trace.id': expected?.traceId, 'span.id': expected?.spanId });
    expect(outside).not.toHaveProperty('trace.id');
  });

  it('puts child fields such as http.request.id on every line of the child', () => {
    const out = captureStdout();
    const logger = createLogger({ serviceName: 'orders', stdout: out.stream });
    const child = logger.child({ 'http.request.id': 'req-7' }).child({ 'user.id': 'u1' });
    child.warn('slow');
    child.error('failed');
    expect(out.lines().map((l) => [l['http.request.id'], l['user.id'], l['log.level']])).toEqual([
      ['req-7', 'u1', 'warn'],
      ['req-7', 'u1', 'error'],
    ]);
  });

  it('redacts secrets before writing to stdout and before handing documents to the shipper', () => {
    const out = captureStdout();
    const shipper = new CapturingTransport();
    const logger = createLogger({ serviceName: 'auth', stdout: out.stream, shipper });
    const headers = { authorization: 'Bearer abcdefghijkl', 'content-type': 'application/json' };
    logger.info('token request with Bearer abcdefghijkl', { headers, client: { client_secret: 'shh' }, password: 'pw' });
    const written = JSON.stringify(out.lines()[0]);
    for (const doc of [written, shipper.documents[0] ?? '']) {
      expect(doc).not.toContain('abcdefghijkl');
      expect(doc).not.toContain('shh');
      expect(doc).not.toContain('"pw"');
      expect(doc).toContain('application/json');
    }
    expect(headers.authorization).toBe('Bearer abcdefghijkl');
  });

  it('writes errors as ECS error fields, and a string `error` as error.message', () => {
    const out = captureStdout();
    const logger = createLogger({ serviceName: 'orders', stdout: out.stream });
    logger.error('payment failed', { err: new TypeError('card declined') });
    logger.error('lookup failed', { error: 'timeout' });
    const [withErr, withString] = out.lines();
    expect(withErr).toMatchObject({ error: { type: 'TypeError', message: 'card declined', stack_trace: expect.stringContaining('TypeError') } });
    expect(withString).toMatchObject({ 'error.message': 'timeout' });
    expect(withString).not.toHaveProperty('error');
  });

  it('filters by level, and the level can change while running', () => {
    const out = captureStdout();
    const logger = createLogger({ serviceName: 'orders', level: 'info', stdout: out.stream });
    logger.debug('hidden');
    logger.trace('hidden');
    logger.level = 'trace';
    logger.trace('shown');
    logger.fatal('shown too');
    expect(out.lines().map((l) => [l['log.level'], l['message']])).toEqual([
      ['trace', 'shown'],
      ['fatal', 'shown too'],
    ]);
    expect(logger.isLevelEnabled('debug')).toBe(true);
  });
});
