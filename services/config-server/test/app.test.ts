import { describe, expect, it } from 'vitest';
import { buildApp, SERVICE_NAME } from '../src/app.js';

describe('config-server app', () => {
  it('reports itself ready under its own name', async () => {
    const app = await buildApp();
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: SERVICE_NAME });
    await app.close();
  });
});
