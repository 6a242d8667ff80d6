import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, registerInConsul, startGateway, startUpstream, unique, type Upstream } from './support/harness.js';

// Counters in the live Redis, shared by every gateway instance: two gateways
// (as two replicas) draw from one budget per caller and route.
describe('rate limiting with the Redis store', () => {
  const name = unique('rl');
  const routeId = unique('route'); // keys include the route id: unique per run, so earlier runs' counters never count
  let up: Upstream;
  let deregister: () => Promise<void>;
  let one: Awaited<ReturnType<typeof startGateway>>;
  let two: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    up = await startUpstream(name, 'a');
    deregister = await registerInConsul(up);
    const settings = {
      'gateway.routes': [{ id: routeId, path: '/api/rl', service: name, auth: 'public' }],
      'gateway.rateLimit.redisUrl': REDIS_URL,
      'gateway.rateLimit.max': 3,
      'gateway.rateLimit.timeWindowMs': 60_000,
    };
    [one, two] = await Promise.all([startGateway(settings), startGateway(settings)]);
  });

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await deregister?.();
    await up?.stop();
  });

  it('shares one budget across gateway instances and refuses past it with 429', async () => {
    expect((await one.app.inject('/api/rl')).statusCode).toBe(200);
    expect((await two.app.inject('/api/rl')).statusCode).toBe(200);
    const third = await one.app.inject('/api/rl');
    expect(third.statusCode).toBe(200);
    expect(third.headers['ratelimit-remaining']).toBe('0');
    const refused = await two.app.inject('/api/rl');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(up.hits).toBe(3);
  });

  it('lifts the limit live when gateway.rateLimit.enabled is turned off by a refresh', async () => {
    expect((await one.app.inject('/api/rl')).statusCode).toBe(429);
    one.source.set('gateway.rateLimit.enabled', false);
    await one.ctx.config.refresh();
    expect((await one.app.inject('/api/rl')).statusCode).toBe(200);
  });
});
