import { describe, expect, it } from 'vitest';
import { normaliseItems, transition } from '../../src/domain/reservation.js';

describe('normaliseItems', () => {
  it('sums repeated products and sorts by product id, so orders lock rows in one order', () => {
    expect(normaliseItems([{ productId: 'b', quantity: 1 }, { productId: 'a', quantity: 2 }, { productId: 'b', quantity: 3 }], 10)).toEqual({
      ok: true,
      items: [{ productId: 'a', quantity: 2 }, { productId: 'b', quantity: 4 }],
    });
  });
  it('refuses empty orders, non-positive or fractional quantities and too many products', () => {
    expect(normaliseItems([], 10).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 0 }], 10).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: -1 }], 10).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 1.5 }], 10).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 1 }], 1).ok).toBe(false);
    expect(normaliseItems([{ productId: 'bad id', quantity: 1 }], 10).ok).toBe(false);
  });
});

describe('transition', () => {
  it('confirms only a fresh hold, and releases or commits a fresh or confirmed one', () => {
    expect(transition('reserved', 'confirm')).toBe('apply');
    expect(transition('reserved', 'release')).toBe('apply');
    expect(transition('reserved', 'commit')).toBe('apply');
    expect(transition('confirmed', 'release')).toBe('apply');
    expect(transition('confirmed', 'commit')).toBe('apply');
  });
  it('expires only an unconfirmed hold', () => {
    expect(transition('reserved', 'expire')).toBe('apply');
    expect(transition('confirmed', 'expire')).toBe('refuse');
  });
  it('treats repeats as success and crossing transitions as refusals', () => {
    expect(transition('confirmed', 'confirm')).toBe('same');
    expect(transition('released', 'release')).toBe('same');
    expect(transition('expired', 'release')).toBe('same');
    expect(transition('committed', 'commit')).toBe('same');
    expect(transition('committed', 'release')).toBe('refuse');
    expect(transition('committed', 'confirm')).toBe('refuse');
    expect(transition('released', 'confirm')).toBe('refuse');
    expect(transition('expired', 'commit')).toBe('refuse');
    expect(transition('released', 'commit')).toBe('refuse');
  });
});
