import { describe, expect, it } from 'vitest';
import { findOperatorKey } from '../../src/domain/operators.js';

describe('findOperatorKey', () => {
  it('finds an operator nested in a field value', () => {
    expect(findOperatorKey({ name: { $ne: '' } })).toBe('$ne');
  });
  it('finds operators inside arrays and at the top level', () => {
    expect(findOperatorKey({ tags: [{ ok: 1 }, { $gt: 2 }] })).toBe('$gt');
    expect(findOperatorKey({ $where: 'sleep(1000)' })).toBe('$where');
  });
  it('finds bracket-style operators in query-string keys', () => {
    expect(findOperatorKey({ 'price[$ne]': '1' })).toBe('price[$ne]');
  });
  it('accepts plain values, including strings that contain a dollar sign', () => {
    expect(findOperatorKey({ name: '$5 gift card', price: 500, tags: ['a'] })).toBeUndefined();
    expect(findOperatorKey(undefined)).toBeUndefined();
    expect(findOperatorKey('$ne')).toBeUndefined();
  });
});
