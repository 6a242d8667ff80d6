import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, ElasticsearchShipper, type LogShippingSettings } from '../../src/logging/index.js';
import { closedPortUrl, startBulkOrigin } from './bulk-origin.js';

type Origin = Awaited<ReturnType<typeof startBulkOrigin>>;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const base: LogShippingSettings = {
  enabled: true,
  url: 'http://127.0.0.1:9',
  indexPrefix: 'logs',
  batchSize: 500,
  maxBatchBytes: 5_242_880,
  // Far longer than any test: batches go out because they are full or flushed.
  flushIntervalMs: 600_000,
  maxQueue: 10_000,
  maxQueueBytes: 33_554_432,
  maxDocumentBytes: 262_144,
  requestTimeoutMs: 10_000,
  backoff: { initialMs: 10, maxMs: 50 },
  closeTimeoutMs: 5_000,
};

async function origin(answer?: Parameters<typeof startBulkOrigin>[0]): Promise<Origin> {
  const o = await startBulkOrigin(answer);
  cleanup.push(() => o.close());
  return o;
}

function shipTo(url: string, settings: Partial<LogShippingSettings> = {}) {
  const registry = new Registry();
  const problems: string[] = [];
  const shipper = new ElasticsearchShipper({ ...base, url, ...settings, serviceName: 'Order-Service' }, { registry, report: (p) => problems.push(p) });
  cleanup.push(() => shipper.shutdown(200));
  const logger = createLogger({ serviceName: 'Order-Service', stdout: false, shipper });
  return { shipper, logger, registry, problems };
}

async function droppedMetric(registry: Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('nimbus_log_shipper_dropped_total')?.get();
  return metric?.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
}

describe('ElasticsearchShipper', () => {
  it('ships ECS documents as _bulk NDJSON with create actions into a daily index per service', async () => {
    const es = await origin();
    const { shipper, logger } = shipTo(es.url);
    logger.info('first', { 'order.id': 1 });
    logger.warn('second');
    await shipper.flush();
    expect(es.received).toHaveLength(1);
    const [bulk] = es.received;
    expect(bulk?.url.startsWith('/_bulk?')).toBe(true);
    expect(bulk?.headers['content-type']).toBe('application/x-ndjson');
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '.');
    expect(bulk?.actions).toEqual([{ create: { _index: `logs-order-service-${day}` } }, { create: { _index: `logs-order-service-${day}` } }]);
    expect(bulk?.documents).toMatchObject([
      { message: 'first', 'order.id': 1, 'log.level': 'info', 'service.name': 'Order-Service' },
      { message: 'second', 'log.level': 'warn' },
    ]);
    expect(shipper.stats).toMatchObject({ shipped: 2, queued: 0 });
  });

  it('sends a batch as soon as it is full, without waiting for the interval', async () => {
    const es = await origin();
    const { shipper, logger } = shipTo(es.url, { batchSize: 2 });
    logger.info('a');
    logger.info('b');
    logger.info('c');
    await shipper.flush();
    expect(es.received.map((r) => r.documents.length)).toEqual([2, 1]);
  });

  it('sends credentials from the URL as basic auth, never in the URL', async () => {
    const es = await origin();
    const { shipper, logger } = shipTo(es.url.replace('http://', 'http://elastic:ch%40nge@'));
    logger.info('with auth');
    await shipper.flush();
    expect(es.received[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:ch@nge').toString('base64')}`);
  });

  it('keeps logging while Elasticsearch hangs, holding at most maxQueue documents and dropping the oldest', async () => {
    let holding = true;
    const es = await origin(() => (holding ? 'hang' : { status: 200, body: '{"errors":false}' }));
    const { shipper, logger, registry } = shipTo(es.url, { batchSize: 2, maxQueue: 5 });
    for (let i = 0; i < 20; i++) logger.info(`m${i}`);
    // m0, m1 are in flight (the first full batch); of the rest only the newest 5 are kept.
    expect(shipper.stats.queued).toBe(5);
    expect(shipper.stats.dropped.queue_full).toBe(13);
    expect(await droppedMetric(registry, 'queue_full')).toBe(13);
    holding = false;
    es.release();
    await shipper.flush();
    expect(es.messages()).toEqual(['m0', 'm1', 'm15', 'm16', 'm17', 'm18', 'm19']);
  });

  it('backs off after a failed request and delivers the same documents once Elasticsearch recovers', async () => {
    const es = await origin((n) => (n === 1 ? { status: 503, body: 'unavailable' } : { status: 200, body: '{"errors":false}' }));
    const { shipper, logger, problems } = shipTo(es.url);
    logger.info('survives an outage');
    await shipper.flush();
    expect(es.received.map((r) => r.documents.map((d) => d['message']))).toEqual([['survives an outage'], ['survives an outage']]);
    expect(shipper.stats).toMatchObject({ shipped: 1, failedRequests: 1, dropped: { queue_full: 0, rejected: 0 } });
    expect(problems[0]).toMatch(/503/);
  });

  it('drops documents Elasticsearch rejects as invalid and resends only those refused as busy', async () => {
    const es = await origin((n) =>
      n === 1
        ? {
            status: 200,
            body: JSON.stringify({
              errors: true,
              items: [
                { create: { status: 201 } },
                { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse [status]' } } },
                { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'busy' } } },
              ],
            }),
          }
        : { status: 200, body: '{"errors":false}' },
    );
    const { shipper, logger, registry, problems } = shipTo(es.url);
    for (const m of ['ok', 'bad', 'busy']) logger.info(m);
    await shipper.flush();
    expect(es.received.map((r) => r.documents.map((d) => d['message']))).toEqual([['ok', 'bad', 'busy'], ['busy']]);
    expect(shipper.stats).toMatchObject({ shipped: 2, dropped: { rejected: 1 } });
    expect(await droppedMetric(registry, 'rejected')).toBe(1);
    expect(problems.join('\n')).toMatch(/mapper_parsing_exception/);
  });

  it('gives up on a batch refused as a whole with a 4xx, counting it as rejected', async () => {
    const es = await origin(() => ({ status: 401, body: '{"error":"security_exception"}' }));
    const { shipper, logger, problems } = shipTo(es.url);
    logger.info('unauthorised');
    await shipper.flush();
    expect(es.received).toHaveLength(1);
    expect(shipper.stats.dropped.rejected).toBe(1);
    expect(problems[0]).toMatch(/401/);
  });

  it('never throws into the app when Elasticsearch is unreachable, and counts what shutdown could not send', async () => {
    const { shipper, logger, problems } = shipTo(await closedPortUrl());
    expect(() => {
      for (let i = 0; i < 3; i++) logger.error(`lost ${i}`);
    }).not.toThrow();
    await shipper.shutdown(150);
    expect(shipper.stats.failedRequests).toBeGreaterThanOrEqual(1);
    expect(shipper.stats.dropped.shutdown).toBe(3);
    expect(problems[0]).toMatch(/failed/);
  });

  it('bounds shutdown when Elasticsearch never answers, then counts later documents as dropped', async () => {
    const es = await origin(() => 'hang');
    const { shipper, logger } = shipTo(es.url);
    logger.info('one');
    logger.info('two');
    await shipper.shutdown(100);
    expect(shipper.stats.dropped.shutdown).toBe(2);
    logger.info('after close');
    expect(shipper.stats.dropped.closed).toBe(1);
  });

  it('drops a document larger than maxDocumentBytes instead of shipping it', async () => {
    const es = await origin();
    const { shipper, logger, problems } = shipTo(es.url, { maxDocumentBytes: 1024 });
    logger.info('x'.repeat(2_000));
    logger.info('small');
    await shipper.flush();
    expect(es.messages()).toEqual(['small']);
    expect(shipper.stats.dropped.too_large).toBe(1);
    expect(problems[0]).toMatch(/maxDocumentBytes/);
  });

  it('takes nothing when shipping is disabled', async () => {
    const es = await origin();
    const { shipper, logger } = shipTo(es.url, { enabled: false });
    logger.info('stays local');
    await shipper.flush();
    expect(es.received).toEqual([]);
    expect(shipper.stats.queued).toBe(0);
  });

  it('refuses a URL that is not one, naming the setting', () => {
    expect(() => new ElasticsearchShipper({ serviceName: 's', url: 'elasticsearch:9200 with spaces' })).toThrow(/logging\.shipping\.url/);
  });

  it('is closed with the winston logger', async () => {
    const es = await origin();
    const { shipper, logger } = shipTo(es.url);
    logger.info('last words');
    (logger as unknown as { close(): void }).close();
    await shipper.shutdown();
    expect(es.messages()).toEqual(['last words']);
  });
});
