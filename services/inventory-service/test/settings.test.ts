import { KitSettings, resolveSettings, undocumentedSettings } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Settings } from '../src/settings.js';

const schema = Type.Composite([KitSettings, Settings]);

describe('inventory-service settings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('resolves with nothing configured to the documented defaults', () => {
    const s = resolveSettings(schema, {});
    expect(s.mysql).toMatchObject({ database: 'nimbus_inventory', createDatabase: true, poolSize: 10 });
    expect(s.inventory).toMatchObject({ reservationTtlMs: 900_000, sweepIntervalMs: 5_000, topic: 'inventory', ordersTopic: 'orders', consumerGroup: 'inventory-service' });
  });

  it('refuses a database name that could inject SQL', () => {
    expect(() => resolveSettings(schema, { 'mysql.database': 'x`; DROP DATABASE y; --' })).toThrow(/mysql.database/);
  });
});
