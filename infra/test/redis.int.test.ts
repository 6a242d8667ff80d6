import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('Redis smoke (ioredis)', () => {
  const redis = new Redis(endpoint('REDIS_URL'), { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  it('counts atomically with an expiry, as the gateway rate limiter does', async () => {
    await redis.connect();
    const key = uniqueName('smoke:rl');
    const counts = await Promise.all(Array.from({ length: 10 }, () => redis.incr(key)));
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await redis.pexpire(key, 5_000);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    await redis.del(key);
  });
});
