import { describe, expect, it } from 'vitest';
import { silentLogger } from '@nimbus/kit';
import { buildApp } from '../src/app.js';

describe('order-service app', () => {
  it('reports itself ready under its own name', async () => {
    const { app, stop } = await buildApp({ vault: false, configServer: false, env: {}, logger: silentLogger });
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: 'order-service' });
    await stop();
  });
});
