import { describe, expect, it } from 'vitest';
import { rejectionReason } from '../../src/events/inventory-consumer.js';

describe('rejectionReason', () => {
  it('is the shared reason when every item was refused for the same one', () => {
    expect(rejectionReason([{ productId: 'a', reason: 'out of stock' }, { productId: 'b', reason: 'out of stock' }])).toBe('out of stock');
  });

  it('names each product when the reasons differ', () => {
    expect(rejectionReason([{ productId: 'a', reason: 'out of stock' }, { productId: 'b', reason: 'unknown product' }])).toBe('a: out of stock, b: unknown product');
  });

  it('falls back to a generic reason when inventory gave none', () => {
    expect(rejectionReason(undefined)).toBe('rejected by inventory');
  });
});
