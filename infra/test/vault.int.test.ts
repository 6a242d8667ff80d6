import vault from 'node-vault';
import { describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('Vault API smoke (node-vault)', () => {
  const client = vault({ apiVersion: 'v1', endpoint: endpoint('VAULT_ADDR'), token: endpoint('VAULT_TOKEN') });

  it('is initialised and unsealed', async () => {
    const health = (await client.health()) as { initialized: boolean; sealed: boolean };
    expect(health).toMatchObject({ initialized: true, sealed: false });
  });

  it('writes and reads a KV v2 secret with its version', async () => {
    const path = `secret/data/smoke/${uniqueName('app')}`;
    await client.write(path, { data: { password: 's3cret' } });
    const read = (await client.read(path)) as { data: { data: { password: string }; metadata: { version: number } } };
    expect(read.data.data.password).toBe('s3cret');
    expect(read.data.metadata.version).toBe(1);
    await client.delete(path.replace('/data/', '/metadata/'));
  });
});
