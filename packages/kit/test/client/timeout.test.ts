import { afterEach, describe, expect, it } from 'vitest';
import { isProblemError } from '../../src/errors/problem.js';
import { json, rejectionOf, startOrigin, testClient, type Origin, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

/** Never answers: the client's timeout is the only way out. */
const silent = () => startOrigin(() => undefined);

describe('service client: timeouts', () => {
  it('aborts an attempt that outlives timeoutMs with DEPENDENCY_TIMEOUT and closes its connection', async () => {
    const slow = track(await silent());
    const { client } = track(testClient([slow.url], { 'defaults.timeoutMs': 100, 'defaults.retry.retries': 0 }));
    const err = await rejectionOf(client.request('svc', { path: '/slow', auth: 'none' }));
    expect(isProblemError(err) && err.code).toBe('DEPENDENCY_TIMEOUT');
    expect(isProblemError(err) && err.extensions).toMatchObject({ dependency: 'svc' });
    // The origin sees the request abandoned: the socket was closed, not left running.
    await slow.seen[0]?.aborted;
    expect(slow.seen).toHaveLength(1);
  });

  it('covers a body that trickles in after the headers', async () => {
    const trickle = track(
      await startOrigin((_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
      }),
    );
    const { client } = track(testClient([trickle.url], { 'defaults.timeoutMs': 100, 'defaults.retry.retries': 0 }));
    const err = await rejectionOf(client.request('svc', { path: '/x', auth: 'none' }));
    expect(isProblemError(err) && err.code).toBe('DEPENDENCY_TIMEOUT');
  });

  it('retries a timed-out GET on the next instance', async () => {
    const slow = track(await silent());
    const fast = track(await startOrigin((_, res) => json(res, 200, { ok: true })));
    const { client } = track(testClient([slow.url, fast.url], { 'defaults.timeoutMs': 100 }));
    const res = await client.request('svc', { path: '/x', auth: 'none' });
    expect(res.instance.url).toBe(fast.url);
    expect(slow.seen).toHaveLength(1);
  });

  it('does not retry a timed-out attempt when retry.onTimeout is off for that target', async () => {
    const slow = track(await silent());
    const fast = track(await startOrigin((_, res) => json(res, 200, {})));
    const { client } = track(testClient([slow.url, fast.url], { 'defaults.timeoutMs': 100, 'services.svc.retry.onTimeout': false }));
    const err = await rejectionOf(client.request('svc', { path: '/x', auth: 'none' }));
    expect(isProblemError(err) && err.code).toBe('DEPENDENCY_TIMEOUT');
    expect(fast.seen).toHaveLength(0);
  });

  it('rethrows the caller’s own abort as is, without retrying or counting it as a dependency failure', async () => {
    const caller = new AbortController();
    const reason = new Error('client went away');
    // The caller gives up once the dependency has the request in hand.
    const slow = track(await startOrigin(() => caller.abort(reason)));
    const t = track(testClient([slow.url], { 'defaults.timeoutMs': 60_000, 'defaults.breaker.consecutiveFailures': 1 }));
    const call = t.client.request('svc', { path: '/x', auth: 'none', signal: caller.signal });
    expect(await rejectionOf(call)).toBe(reason);
    expect(slow.seen).toHaveLength(1);
    expect(await t.registry.getSingleMetricAsString('nimbus_client_circuit_state')).toContain('nimbus_client_circuit_state{target="svc"} 0');
    expect(await t.registry.getSingleMetricAsString('nimbus_client_requests_total')).toContain('status="CANCELLED"');
  });
});
