import { describe, expect, it } from 'vitest';
import { silentLogger } from '@nimbus/kit';
import { buildApp } from '../src/app.js';

describe('auth-server app', () => {
  it('refuses to start without Vault, saying where signing keys live and how to fix it', async () => {
    const err = await buildApp({ vault: false, configServer: false, env: {}, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((err as Error).message).toMatch(/Vault.*VAULT_ADDR/);
  });
});
