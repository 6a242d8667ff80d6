import { describe, expect, it } from 'vitest';
import { environmentToFlat } from '../../../src/config/server-client/index.js';
import { environment } from './support.js';

describe('environmentToFlat', () => {
  it('takes each key from the highest source, as the server ordered them', () => {
    expect(environmentToFlat(environment('v', [{ 'a.b': 1 }, { 'a.b': 2, 'a.c': 3 }]))).toEqual({ 'a.b': 1, 'a.c': 3 });
  });

  it('turns Spring list keys into real arrays, replaced whole by a higher source', () => {
    const env = environment('v', [{ 'gw.routes[0].id': 'x' }, { 'gw.routes[0].id': 'a', 'gw.routes[1].id': 'b' }]);
    expect(environmentToFlat(env)).toEqual({ 'gw.routes': [{ id: 'x' }] });
  });

  it('keeps map keys that hold dashes, as per-service overrides use', () => {
    expect(environmentToFlat(environment('v', [{ 'client.services.order-service.timeoutMs': 2000 }]))).toEqual({ 'client.services.order-service.timeoutMs': 2000 });
  });

  it('resolves ${key} and ${key:default} among the served values, leaving unknown ones', () => {
    const env = environment('v', [{ url: 'http://${host}:${port:80}', host: 'db', other: '${nope}' }]);
    expect(environmentToFlat(env)).toEqual({ url: 'http://db:80', host: 'db', other: '${nope}' });
  });

  it('never writes through __proto__', () => {
    environmentToFlat(environment('v', [{ '__proto__.polluted': true }]));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('ConfigClientSettings', () => {
  it('documents every setting with a default and a description', async () => {
    const { undocumentedSettings } = await import('../../../src/config/settings.js');
    const { ConfigClientSettings } = await import('../../../src/config/server-client/index.js');
    expect(undocumentedSettings(ConfigClientSettings)).toEqual([]);
  });
});
