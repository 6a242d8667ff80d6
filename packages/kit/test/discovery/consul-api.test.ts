import { describe, expect, it } from 'vitest';
import { nextIndex, toInstances, type HealthServiceEntry } from '../../src/discovery/consul-api.js';

const entry = (over: Partial<HealthServiceEntry['Service']> = {}, nodeAddress = '10.1.1.1'): HealthServiceEntry => ({
  Node: { Node: 'n1', Address: nodeAddress },
  Service: { ID: 'svc-1', Service: 'svc', Address: '10.0.0.7', Port: 8081, Tags: ['a'], Meta: { version: '1.0.0' }, ...over },
});

describe('toInstances', () => {
  it('maps a Consul health entry to an instance with its base URL, tags and meta', () => {
    expect(toInstances([entry()])).toEqual([
      { id: 'svc-1', service: 'svc', address: '10.0.0.7', port: 8081, url: 'http://10.0.0.7:8081', tags: ['a'], meta: { version: '1.0.0' } },
    ]);
  });

  it('uses the node address when the service registered none, as Consul specifies', () => {
    expect(toInstances([entry({ Address: '' })])[0]?.url).toBe('http://10.1.1.1:8081');
  });

  it('uses https for instances whose meta says secure=true, and tolerates null tags and meta', () => {
    expect(toInstances([entry({ Meta: { secure: 'true' } })])[0]?.url).toBe('https://10.0.0.7:8081');
    expect(toInstances([entry({ Tags: null, Meta: null })])[0]).toMatchObject({ tags: [], meta: {} });
  });
});

describe('nextIndex (Consul blocking query rules)', () => {
  it('moves forward with the index Consul returned', () => {
    expect(nextIndex(10, 42)).toBe(42);
  });

  it('restarts at 0 when the index went backwards (Consul state reset)', () => {
    expect(nextIndex(42, 7)).toBe(0);
  });

  it('never blocks on an index below 1, which would return at once forever', () => {
    expect(nextIndex(0, 0)).toBe(1);
  });

  it('restarts at 0 when Consul sent no usable index', () => {
    expect(nextIndex(5, Number.NaN)).toBe(0);
  });
});
