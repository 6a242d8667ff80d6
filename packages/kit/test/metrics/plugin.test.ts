import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { methodLabel, metricsPlugin, type MetricsPluginOptions } from '../../src/metrics/index.js';

async function appWithMetrics(registry = new Registry(), settings?: MetricsPluginOptions['settings']) {
  const app = Fastify();
  await app.register(metricsPlugin, { registry, ...(settings && { settings }) });
  app.get('/orders/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (id === 'missing') return reply.code(404).send({ code: 'ORDER_NOT_FOUND' });
    return { id };
  });
  app.post('/orders', async () => {
    throw new Error('boom');
  });
  return { app, registry };
}

/** The value of one sample of the text exposition, by exact series. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metricsPlugin', () => {
  it('serves the registry at /metrics in Prometheus text format, with the default process metrics', async () => {
    const { app } = await appWithMetrics();
    const res = await app.inject('/metrics');
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts requests by method, route pattern and status', async () => {
    const { app } = await appWithMetrics();
    await app.inject('/orders/1');
    await app.inject('/orders/2');
    await app.inject('/orders/missing');
    await app.inject({ method: 'POST', url: '/orders' });
    const text = (await app.inject('/metrics')).body;
    await app.close();
    expect(sample(text, 'nimbus_http_server_requests_total{method="GET",route="/orders/:id",status="200"}')).toBe(2);
    expect(sample(text, 'nimbus_http_server_requests_total{method="GET",route="/orders/:id",status="404"}')).toBe(1);
    expect(sample(text, 'nimbus_http_server_requests_total{method="POST",route="/orders",status="500"}')).toBe(1);
    expect(text).not.toContain('route="/orders/1"');
  });

  it("puts every request no route matched under route 'unmatched', whatever its URL", async () => {
    const { app } = await appWithMetrics();
    await app.inject('/scan/a');
    await app.inject('/scan/b?x=1');
    const text = (await app.inject('/metrics')).body;
    await app.close();
    expect(sample(text, 'nimbus_http_server_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(text).not.toContain('/scan/');
  });

  it('observes request durations in the configured buckets', async () => {
    const { app } = await appWithMetrics(new Registry(), { http: { buckets: [0.5, 30] } });
    await app.inject('/orders/1');
    const text = (await app.inject('/metrics')).body;
    await app.close();
    const series = 'nimbus_http_server_request_duration_seconds_bucket{le="30",method="GET",route="/orders/:id",status="200"}';
    expect(sample(text, series)).toBe(1);
    expect(sample(text, 'nimbus_http_server_request_duration_seconds_count{method="GET",route="/orders/:id",status="200"}')).toBe(1);
    expect(text).not.toContain('le="0.005"');
  });

  it('lets two apps share one registry without duplicate-metric errors', async () => {
    const registry = new Registry();
    const first = await appWithMetrics(registry);
    const second = await appWithMetrics(registry);
    await first.app.inject('/orders/1');
    await second.app.inject('/orders/1');
    const text = (await second.app.inject('/metrics')).body;
    await Promise.all([first.app.close(), second.app.close()]);
    expect(sample(text, 'nimbus_http_server_requests_total{method="GET",route="/orders/:id",status="200"}')).toBe(2);
  });

  it('serves nothing and records nothing when disabled', async () => {
    const { app, registry } = await appWithMetrics(new Registry(), { enabled: false });
    await app.inject('/orders/1');
    expect((await app.inject('/metrics')).statusCode).toBe(404);
    await app.close();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('serves at the configured path', async () => {
    const { app } = await appWithMetrics(new Registry(), { path: '/actuator/prometheus' });
    const res = await app.inject('/actuator/prometheus');
    await app.close();
    expect(res.statusCode).toBe(200);
  });

  it('refuses to start without a registry, and with invalid settings', async () => {
    await expect(Fastify().register(metricsPlugin, {} as never).ready()).rejects.toThrow(/registry/);
    await expect(
      Fastify()
        .register(metricsPlugin, { registry: new Registry(), settings: { path: 'metrics' } })
        .ready(),
    ).rejects.toThrow(/metrics\.path/);
  });
});

describe('methodLabel', () => {
  it('keeps standard methods and folds any other into OTHER, so clients cannot mint label values', () => {
    expect(['GET', 'POST', 'DELETE'].map(methodLabel)).toEqual(['GET', 'POST', 'DELETE']);
    expect(['PROPFIND', 'X-ATTACK-1', 'get'].map(methodLabel)).toEqual(['OTHER', 'OTHER', 'OTHER']);
  });
});
