import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually } from '@nimbus/kit/testing';
import { call, platformUp, root } from './support/platform.js';

// A team changes a rate limit by committing to the config repository: the
// config server validates the commit on /monitor and announces it, and the
// running gateway applies the new limit without a restart.

const file = join(root, 'config-repo', 'gateway.yml');
const original = readFileSync(file, 'utf8');
const path = '/.well-known/openid-configuration';

/** What `npm start` serves: the config-repo folder, imported into git by the config server on each fetch. */
async function monitor(): Promise<{ status: string; applications?: string[] }> {
  const auth = Buffer.from(`config:${endpoint('CONFIG_SERVER_PASSWORD')}`).toString('base64');
  const res = await fetch(`${endpoint('CONFIG_SERVER_URL')}/monitor`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'path=gateway',
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { status: string; applications?: string[] };
}

const limitNow = async () => Number((await call('GET', path)).headers.get('ratelimit-limit'));

describe('a rate limit changed by a commit to the config repository', () => {
  beforeAll(async () => {
    await platformUp('rabbitmq');
  }, 300_000);

  afterAll(async () => {
    writeFileSync(file, original);
    await monitor();
  });

  it('is applied by the running gateway after /monitor, and undone by the next commit', async () => {
    expect(await limitNow()).toBe(100);
    const lowered = original.replace(/^( {4}timeWindowMs: 60000\n)/m, '$1    routes:\n      well-known:\n        max: 3\n        timeWindowMs: 60000\n');
    expect(lowered).not.toBe(original);
    writeFileSync(file, lowered);
    expect(await monitor()).toMatchObject({ status: 'published', applications: expect.arrayContaining(['gateway']) });

    await eventually(async () => ((await limitNow()) === 3 ? true : undefined), 30_000, 'the gateway to apply the committed limit');
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let n = 0; n < 4 && !refused; n++) {
      const res = await call('GET', path);
      if (res.status === 429) refused = res;
    }
    expect(refused?.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);

    writeFileSync(file, original);
    expect(await monitor()).toMatchObject({ status: 'published' });
    await eventually(async () => ((await limitNow()) === 100 ? true : undefined), 30_000, 'the gateway to apply the restored limit');
  });
});
