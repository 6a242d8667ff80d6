import { afterEach, describe, expect, it, vi } from 'vitest';
import { isProblemError, type ProblemError } from '../../src/errors/problem.js';
import { json, rejectionOf, startOrigin, testClient, type Origin, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

const code = async (p: Promise<unknown>) => {
  const err = await rejectionOf(p);
  if (!isProblemError(err)) throw err;
  return err as ProblemError;
};
const circuitGauge = async (t: TestClient) => (await t.registry.getSingleMetricAsString('nimbus_client_circuit_state')).match(/target="svc"\} (\d)/)?.[1];

describe('service client: circuit breaker', () => {
  it('opens after N consecutive failures, then fails fast with CIRCUIT_OPEN and Retry-After without calling the dependency', async () => {
    const origin = track(await startOrigin((_, res) => json(res, 500, {})));
    const t = track(testClient([origin.url], { 'defaults.breaker.consecutiveFailures': 3, 'defaults.breaker.halfOpenAfterMs': 30_000 }));
    for (let i = 0; i < 3; i++) expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('DEPENDENCY_UNAVAILABLE');

    const open = await code(t.client.request('svc', { path: '/x', auth: 'none' }));
    expect(open.code).toBe('CIRCUIT_OPEN');
    expect(open.retryable).toBe(true);
    expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(open.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(open.extensions).toMatchObject({ dependency: 'svc', retryAfterSeconds: Number(open.headers['retry-after']) });
    expect(origin.seen).toHaveLength(3);
    expect(await circuitGauge(t)).toBe('2');
    expect(t.logger.lines.filter((l) => l.level === 'warn' && /circuit opened/.test(l.message))).toHaveLength(1);
    expect(await t.registry.getSingleMetricAsString('nimbus_client_requests_total')).toContain('status="CIRCUIT_OPEN"} 1');
  });

  it('lets one probe through after halfOpenAfterMs and closes when it succeeds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let healthy = false;
    const origin = track(await startOrigin((_, res) => json(res, healthy ? 200 : 500, {})));
    const t = track(testClient([origin.url], { 'defaults.breaker.consecutiveFailures': 2, 'defaults.breaker.halfOpenAfterMs': 10_000 }));
    await code(t.client.request('svc', { path: '/x', auth: 'none' }));
    await code(t.client.request('svc', { path: '/x', auth: 'none' }));
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('CIRCUIT_OPEN');

    healthy = true;
    vi.setSystemTime(Date.now() + 10_001);
    expect((await t.client.request('svc', { path: '/x', auth: 'none' })).status).toBe(200);
    expect(await circuitGauge(t)).toBe('0');
    expect((await t.client.request('svc', { path: '/x', auth: 'none' })).status).toBe(200);
    expect(origin.seen).toHaveLength(4);
    const transitions = t.logger.lines.filter((l) => /circuit/.test(l.message)).map((l) => `${l.level}: ${l.message.split(':')[0]}`);
    expect(transitions).toEqual(['warn: circuit opened', 'info: circuit half-open', 'info: circuit closed']);
  });

  it('re-opens when the half-open probe fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const origin = track(await startOrigin((_, res) => json(res, 500, {})));
    const t = track(testClient([origin.url], { 'defaults.breaker.consecutiveFailures': 1, 'defaults.breaker.halfOpenAfterMs': 5_000 }));
    await code(t.client.request('svc', { path: '/x', auth: 'none' }));
    vi.setSystemTime(Date.now() + 5_001);
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('DEPENDENCY_UNAVAILABLE');
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('CIRCUIT_OPEN');
    expect(origin.seen).toHaveLength(2);
  });

  it('does not count 4xx answers as failures', async () => {
    const origin = track(await startOrigin((_, res) => json(res, 409, { code: 'CONFLICT' })));
    const t = track(testClient([origin.url], { 'defaults.breaker.consecutiveFailures': 2 }));
    for (let i = 0; i < 5; i++) expect((await t.client.request('svc', { method: 'PUT', path: '/x', body: {}, auth: 'none' })).status).toBe(409);
    expect(await circuitGauge(t)).toBe('0');
  });

  it('counts a call that failed after all its retries once, not once per attempt', async () => {
    const origin = track(await startOrigin((_, res) => json(res, 503, {})));
    const t = track(testClient([origin.url], { 'defaults.retry.retries': 2, 'defaults.breaker.consecutiveFailures': 2 }));
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(origin.seen).toHaveLength(3);
    expect(await circuitGauge(t)).toBe('0');
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('DEPENDENCY_UNAVAILABLE');
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('CIRCUIT_OPEN');
    expect(origin.seen).toHaveLength(6);
  });

  it('keeps one breaker per target, configured by its override', async () => {
    const origin = track(await startOrigin((_, res) => json(res, 500, {})));
    const t = track(testClient([origin.url], { 'defaults.breaker.consecutiveFailures': 100, 'services.svc.breaker.consecutiveFailures': 1 }));
    await code(t.client.request('svc', { path: '/x', auth: 'none' }));
    expect((await code(t.client.request('svc', { path: '/x', auth: 'none' }))).code).toBe('CIRCUIT_OPEN');
  });

  it('with the sampling breaker, opens once the failure rate passes the threshold over at least minimumCalls', async () => {
    const answers = [200, 200, 500, 500, 500];
    const origin = track(await startOrigin((_, res) => json(res, answers.shift() ?? 200, {})));
    const t = track(
      testClient([origin.url], {
        'defaults.breaker.kind': 'sampling',
        'defaults.breaker.failureRateThreshold': 0.5,
        'defaults.breaker.minimumCalls': 4,
        'defaults.breaker.samplingWindowMs': 60_000,
      }),
    );
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(await t.client.request('svc', { path: '/x', auth: 'none' }).then((r) => String(r.status), (e: ProblemError) => e.code));
    }
    // 3rd: 1 of 3 failed, under minimumCalls; 4th: 2 of 4 is not more than half; 5th: 3 of 5 is.
    expect(outcomes).toEqual(['200', '200', 'DEPENDENCY_UNAVAILABLE', 'DEPENDENCY_UNAVAILABLE', 'DEPENDENCY_UNAVAILABLE', 'CIRCUIT_OPEN']);
  });
});
