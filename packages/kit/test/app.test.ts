import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../src/index.js';

describe('createServiceApp', () => {
  it('answers liveness and readiness with the service identity', async () => {
    const app = createServiceApp({ name: 'example', version: '1.2.3' });
    const live = await app.inject('/health/live');
    expect(live.statusCode).toBe(200);
    const ready = await app.inject('/health/ready');
    expect(ready.json()).toEqual({ status: 'UP', service: 'example', version: '1.2.3' });
    await app.close();
  });
});
