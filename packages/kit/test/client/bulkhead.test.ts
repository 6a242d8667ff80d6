import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isProblemError } from '../../src/errors/problem.js';
import { eventually } from '../support/endpoints.js';
import { json, rejectionOf, startOrigin, testClient, type Origin, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

describe('service client: bulkhead', () => {
  it('rejects calls past maxConcurrent + maxQueue with BULKHEAD_FULL, and runs the queued one when a slot frees', async () => {
    const held: ServerResponse[] = [];
    const origin = track(await startOrigin((_, res) => void held.push(res)));
    const t = track(testClient([origin.url], { 'defaults.bulkhead.maxConcurrent': 1, 'defaults.bulkhead.maxQueue': 1 }));

    const first = t.client.request('svc', { path: '/1', auth: 'none' });
    const queued = t.client.request('svc', { path: '/2', auth: 'none' });
    await eventually(() => (held.length === 1 ? true : undefined), 5_000, 'the first call to reach the origin');

    const err = await rejectionOf(t.client.request('svc', { path: '/3', auth: 'none' }));
    expect(isProblemError(err) && err.code).toBe('BULKHEAD_FULL');
    expect(isProblemError(err) && err.retryable).toBe(true);
    expect(origin.seen.map((s) => s.url)).toEqual(['/1']);

    json(held[0]!, 200, {});
    expect((await first).status).toBe(200);
    await eventually(() => (held.length === 2 ? true : undefined), 5_000, 'the queued call to reach the origin');
    json(held[1]!, 200, {});
    expect((await queued).status).toBe(200);
  });

  it('does not count its own rejections as dependency failures', async () => {
    const held: ServerResponse[] = [];
    const origin = track(await startOrigin((req, res) => (req.url === '/hold' ? void held.push(res) : json(res, 200, {}))));
    const t = track(testClient([origin.url], { 'defaults.bulkhead.maxConcurrent': 1, 'defaults.bulkhead.maxQueue': 0, 'defaults.breaker.consecutiveFailures': 1 }));
    const first = t.client.request('svc', { path: '/hold', auth: 'none' });
    await eventually(() => (held.length === 1 ? true : undefined), 5_000, 'the first call to reach the origin');
    for (let i = 0; i < 3; i++) {
      const err = await rejectionOf(t.client.request('svc', { path: '/x', auth: 'none' }));
      expect(isProblemError(err) && err.code).toBe('BULKHEAD_FULL');
    }
    json(held[0]!, 200, {});
    await first;
    // A breaker that opens after one failure would now answer CIRCUIT_OPEN.
    expect((await t.client.request('svc', { path: '/after', auth: 'none' })).status).toBe(200);
  });
});
