import { KitSettings, resolveSettings, undocumentedSettings } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Settings } from '../src/settings.js';

const schema = Type.Composite([KitSettings, Settings]);

describe('product-service settings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('resolves with nothing configured to the documented defaults', () => {
    const s = resolveSettings(schema, {});
    expect(s.mongo).toMatchObject({ url: 'mongodb://127.0.0.1:27017', database: 'nimbus_products' });
    expect(s.catalog).toMatchObject({ defaultPageSize: 20, maxPageSize: 100, topic: 'products' });
  });
});
