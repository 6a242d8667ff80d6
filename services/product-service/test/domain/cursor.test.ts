import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor.js';

describe('page cursors', () => {
  it('round-trips the sort key and id', () => {
    const c = { sort: 'price' as const, value: 1999, id: 'abc' };
    expect(decodeCursor(encodeCursor(c), 'price')).toEqual(c);
    const n = { sort: 'name' as const, value: 'Zebra "mug"', id: 'x-1' };
    expect(decodeCursor(encodeCursor(n), 'name')).toEqual(n);
  });
  it('rejects a cursor issued for another sort', () => {
    expect(decodeCursor(encodeCursor({ sort: 'price', value: 1, id: 'a' }), 'name')).toBeUndefined();
  });
  it('rejects garbage, wrong shapes and wrong value types', () => {
    expect(decodeCursor('not a cursor!', 'name')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 'name')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["price","12","a"]').toString('base64url'), 'price')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["name",{"$gt":""},"a"]').toString('base64url'), 'name')).toBeUndefined();
  });
});
