import { KitSettings, resolveSettings, undocumentedSettings } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Settings } from '../src/settings.js';

const schema = Type.Composite([KitSettings, Settings]);

describe('order-service settings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('resolves with nothing configured to the documented defaults', () => {
    const s = resolveSettings(schema, {});
    expect(s.mysql).toMatchObject({ database: 'nimbus_orders', createDatabase: true, poolSize: 10 });
    expect(s.orders).toMatchObject({
      topic: 'orders',
      inventoryTopic: 'inventory',
      consumerGroup: 'order-service',
      productService: 'product-service',
      pendingTimeoutMs: 120_000,
      sweepIntervalMs: 5_000,
      defaultPageSize: 20,
      maxPageSize: 100,
    });
  });

  it('refuses a database name that could inject SQL', () => {
    expect(() => resolveSettings(schema, { 'mysql.database': 'x`; DROP DATABASE y; --' })).toThrow(/mysql.database/);
  });
});
