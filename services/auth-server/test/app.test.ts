import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';

describe('auth-server app', () => {
  it('reports itself ready under its own name', async () => {
    const { app, stop } = await buildApp({ vault: false, env: {} });
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: 'auth-server' });
    await stop();
  });
});
