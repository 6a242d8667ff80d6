import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigStore, describeSettings, envSource, fileSource, staticSource, undocumentedSettings } from '../../src/config/index.js';
import { ProblemError } from '../../src/errors/problem.js';

const Schema = Type.Object({
  server: Type.Object({
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'HTTP port' }),
  }),
  client: Type.Object({
    timeoutMs: Type.Integer({ default: 2000, minimum: 1, description: 'Per-call timeout' }),
    retry: Type.Object({ enabled: Type.Boolean({ default: true, description: 'Retry idempotent calls' }) }),
  }),
  greeting: Type.String({ default: 'hello', description: 'What to say' }),
});

describe('ConfigStore', () => {
  it('fills every default when no source says anything', async () => {
    const store = await ConfigStore.load({ schema: Schema, sources: [] });
    expect(store.current).toEqual({ server: { port: 8080 }, client: { timeoutMs: 2000, retry: { enabled: true } }, greeting: 'hello' });
  });

  it('lets the first-listed source win, like Spring propertySources', async () => {
    const store = await ConfigStore.load({
      schema: Schema,
      sources: [staticSource('high', { greeting: 'high' }), staticSource('low', { greeting: 'low', 'server.port': 1 })],
    });
    expect(store.current.greeting).toBe('high');
    expect(store.current.server.port).toBe(1);
  });

  it('binds bootstrap env names and relaxed NIMBUS_ names, converting strings to the declared types', async () => {
    const source = envSource(
      { PORT: '9001', NIMBUS_CLIENT_TIMEOUTMS: '250', NIMBUS_CLIENT_RETRY_ENABLED: 'false', NIMBUS_UNKNOWN_THING: 'x' },
      { bootstrap: { PORT: 'server.port' }, knownKeys: describeSettings(Schema).map((d) => d.key) },
    );
    const store = await ConfigStore.load({ schema: Schema, sources: [source] });
    expect(store.current.server.port).toBe(9001);
    expect(store.current.client).toEqual({ timeoutMs: 250, retry: { enabled: false } });
    expect(store.get('unknown.thing')).toBeUndefined();
  });

  it('binds a comma-separated string to a list setting, as Spring does', async () => {
    const Lists = Type.Object({ kafka: Type.Object({ brokers: Type.Array(Type.String(), { default: ['a:1'], description: 'brokers' }) }) });
    const store = await ConfigStore.load({ schema: Lists, sources: [staticSource('env', { 'kafka.brokers': 'h1:9092, h2:9092' })] });
    expect(store.current.kafka.brokers).toEqual(['h1:9092', 'h2:9092']);
  });

  it('rebuilds lists from the indexed keys the config server serves (routes[0].id)', async () => {
    const Lists = Type.Object({
      routes: Type.Array(Type.Object({ id: Type.String(), tags: Type.Array(Type.String()) }), { default: [], description: 'routes' }),
    });
    const store = await ConfigStore.load({
      schema: Lists,
      sources: [staticSource('server', { 'routes[0].id': 'a', 'routes[0].tags[0]': 'x', 'routes[0].tags[1]': 'y', 'routes[1].id': 'b', 'routes[1].tags[0]': 'z' })],
    });
    expect(store.current.routes).toEqual([{ id: 'a', tags: ['x', 'y'] }, { id: 'b', tags: ['z'] }]);
  });

  it('can reload a static source whose values the store froze', async () => {
    const values = { 'client.timeoutMs': 5 };
    const store = await ConfigStore.load({ schema: Schema, sources: [staticSource('s', values)] });
    await expect(store.refresh()).resolves.toEqual([]);
    expect(Object.isFrozen(values)).toBe(false);
  });

  it('reads nested YAML files and ignores a missing optional file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-config-'));
    const path = join(dir, 'application.yml');
    await writeFile(path, 'client:\n  timeoutMs: 300\n');
    const store = await ConfigStore.load({ schema: Schema, sources: [fileSource(path), fileSource(join(dir, 'missing.yml'))] });
    expect(store.current.client.timeoutMs).toBe(300);
  });

  it('rejects invalid values at boot naming each bad key', async () => {
    const load = ConfigStore.load({ schema: Schema, sources: [staticSource('bad', { 'server.port': 70000, 'client.timeoutMs': 'soon' })] });
    await expect(load).rejects.toBeInstanceOf(ProblemError);
    await expect(load).rejects.toMatchObject({ code: 'CONFIG_INVALID', detail: expect.stringMatching(/server\.port.*client\.timeoutMs|client\.timeoutMs.*server\.port/) });
  });

  it('keeps serving the last good settings when a refresh brings a bad value', async () => {
    const values: Record<string, unknown> = { greeting: 'v1' };
    const store = await ConfigStore.load({ schema: Schema, sources: [{ name: 'live', load: async () => ({ ...values }) }] });
    values['server.port'] = -1;
    await expect(store.refresh()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(store.current.server.port).toBe(8080);
  });

  it('tells only the subscribers whose keys changed, and freezes what it hands out', async () => {
    const values: Record<string, unknown> = { greeting: 'v1' };
    const store = await ConfigStore.load({ schema: Schema, sources: [{ name: 'live', load: async () => ({ ...values }) }] });
    const seen: string[][] = [];
    store.onChange('client', (_s, keys) => void seen.push(['client', ...keys]));
    store.onChange('greeting', (s, keys) => void seen.push([s.greeting, ...keys]));
    values['greeting'] = 'v2';
    expect(await store.refresh()).toEqual(['greeting']);
    expect(seen).toEqual([['v2', 'greeting']]);
    expect(await store.refresh()).toEqual([]);
    expect(Object.isFrozen(store.current.client)).toBe(true);
  });

  it('refuses settings without a default or description', () => {
    const Bad = Type.Object({ a: Type.String({ default: 'x' }), b: Type.Object({ c: Type.Number({ description: 'c' }) }) });
    expect(undocumentedSettings(Bad)).toEqual(['a', 'b.c']);
    expect(undocumentedSettings(Schema)).toEqual([]);
  });
});
