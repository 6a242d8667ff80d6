import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, undocumentedSettings } from '@nimbus/kit';
import { buildApp, Settings } from '../src/app.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Serves the seed config-repo/ from a temporary data directory, no broker, no Vault. */
async function seedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'config-server-app-'));
  dirs.push(dir);
  return {
    CONFIG_GIT_URI: join(import.meta.dirname, '../../../config-repo'),
    NIMBUS_GIT_BASEDIR: join(dir, 'work'),
    NIMBUS_GIT_SEEDDIR: join(dir, 'seed'),
    NIMBUS_REFRESH_ENABLED: 'false',
    NIMBUS_MONITOR_POLLINTERVALMS: '0',
    ...extra,
  };
}

describe('config-server app', () => {
  it('refuses to start with security on and no password, saying how to fix it', async () => {
    await expect(buildApp({ vault: false, configServer: false, logger: silentLogger, env: await seedEnv() })).rejects.toMatchObject({ code: 'CONFIG_INVALID', detail: expect.stringContaining('CONFIG_SERVER_PASSWORD') });
  });

  it('serves the seed config-repo/ folder by importing it into a git repository, ready with the commit it serves', async () => {
    const { app, stop } = await buildApp({ vault: false, configServer: false, logger: silentLogger, env: await seedEnv({ CONFIG_SERVER_PASSWORD: 'pw' }) });
    try {
      const ready = await app.inject('/health/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'UP', service: 'config-server', checks: { 'config-repository': { status: 'UP', details: { label: 'main', commit: expect.stringMatching(/^[0-9a-f]{40}$/) } } } });
      const auth = { authorization: `Basic ${Buffer.from('config:pw').toString('base64')}` };
      const gateway = await app.inject({ url: '/gateway/default', headers: auth });
      expect(gateway.statusCode).toBe(200);
      expect(gateway.json().propertySources.map((s: { name: string }) => s.name.split('/').pop())).toEqual(['gateway.yml', 'application.yml']);
      expect((await app.inject('/gateway/default')).statusCode).toBe(401);
      expect((await app.inject('/metrics')).statusCode).toBe(200);
    } finally {
      await stop();
    }
  });

  it('commits edits of the seed folder and serves them after the next fetch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-server-folder-'));
    dirs.push(dir);
    const folder = join(dir, 'config-repo');
    await cp(join(import.meta.dirname, '../../../config-repo'), folder, { recursive: true });
    const { app, stop } = await buildApp({ vault: false, configServer: false, logger: silentLogger, env: await seedEnv({ CONFIG_SERVER_PASSWORD: 'pw', CONFIG_GIT_URI: folder }) });
    try {
      const auth = { authorization: `Basic ${Buffer.from('config:pw').toString('base64')}` };
      const before = (await app.inject({ url: '/product-service/default', headers: auth })).json();
      await writeFile(join(folder, 'product-service.yml'), 'products:\n  pageSize:\n    default: 50\n');
      const monitor = await app.inject({ method: 'POST', url: '/monitor', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'path=product-service' });
      // Spring's rule: product-service.yml could also be app `product`, profile `service`.
      expect(monitor.json()).toMatchObject({ status: 'published', applications: ['product', 'product-service'] });
      const after = (await app.inject({ url: '/product-service/default', headers: auth })).json();
      expect(after.version).not.toBe(before.version);
      expect(after.propertySources[0].source).toEqual({ 'products.pageSize.default': 50 });
    } finally {
      await stop();
    }
  });

  it('documents every setting with a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('accepts Bearer tokens through the verifier it is built with, and refuses to start with bearer on and no verifier', async () => {
    const env = await seedEnv({ CONFIG_SERVER_PASSWORD: 'pw', NIMBUS_SECURITY_BEARER: 'true' });
    await expect(buildApp({ vault: false, configServer: false, logger: silentLogger, env })).rejects.toMatchObject({ code: 'CONFIG_INVALID', detail: expect.stringContaining('verifier') });
    const { app, stop } = await buildApp({ vault: false, configServer: false, logger: silentLogger, env: await seedEnv({ CONFIG_SERVER_PASSWORD: 'pw', NIMBUS_SECURITY_BEARER: 'true' }) }, {
      verifyBearer: async (token) => (token === 'good-token' ? { subject: 'gateway' } : undefined),
    });
    try {
      expect((await app.inject({ url: '/gateway/default', headers: { authorization: 'Bearer good-token' } })).statusCode).toBe(200);
      const refused = await app.inject({ url: '/gateway/default', headers: { authorization: 'Bearer forged' } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Basic realm="nimbus-config", Bearer');
    } finally {
      await stop();
    }
  });
});
