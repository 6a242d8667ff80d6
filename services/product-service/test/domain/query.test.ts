import { describe, expect, it } from 'vitest';
import { catalogFilter, escapeRegex } from '../../src/domain/query.js';

describe('escapeRegex', () => {
  it('makes every metacharacter literal', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p-q';
    expect(new RegExp(escapeRegex(text)).test(text)).toBe(true);
    expect(new RegExp(`^${escapeRegex('.*')}$`).test('anything')).toBe(false);
  });
});

describe('catalogFilter', () => {
  it('lists only active products by default', () => {
    expect(catalogFilter({ includeInactive: false, sort: 'createdAt' })).toEqual({ active: true });
  });
  it('combines category, price range and escaped search', () => {
    expect(catalogFilter({ includeInactive: true, sort: 'name', category: 'mugs', minPrice: 100, maxPrice: 200, q: ' a+b ' })).toEqual({
      $and: [
        { category: 'mugs' },
        { price: { $gte: 100, $lte: 200 } },
        { $or: [{ name: { $regex: 'a\\+b', $options: 'i' } }, { description: { $regex: 'a\\+b', $options: 'i' } }] },
      ],
    });
  });
  it('continues after the cursor by sort key, then id', () => {
    expect(catalogFilter({ includeInactive: true, sort: 'price', after: { sort: 'price', value: 5, id: 'k' } })).toEqual({
      $or: [{ price: { $gt: 5 } }, { price: 5, _id: { $gt: 'k' } }],
    });
  });
});
