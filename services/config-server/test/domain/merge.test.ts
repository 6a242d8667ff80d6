import { describe, expect, it } from 'vitest';
import { mergeSources, toNested } from '../../src/domain/merge.js';
import { resolvePlaceholders } from '../../src/domain/placeholders.js';

describe('mergeSources', () => {
  it('takes each key from the highest source', () => {
    expect(mergeSources([{ a: 1 }, { a: 2, b: 2 }])).toEqual({ a: 1, b: 2 });
  });

  it('replaces lists whole instead of interleaving elements (Spring Boot binding)', () => {
    const high = { 'routes[0].id': 'x' };
    const low = { 'routes[0].id': 'a', 'routes[1].id': 'b', 'routes[1].uri': 'u' };
    expect(mergeSources([high, low])).toEqual({ 'routes[0].id': 'x' });
  });

  it('lets an empty list in a higher source clear a lower list', () => {
    expect(mergeSources([{ tags: '' }, { 'tags[0]': 'a' }])).toEqual({ tags: '' });
  });

  it('keeps the shape a higher source gave when a lower one contradicts it', () => {
    expect(mergeSources([{ 'a.b': 1 }, { a: 'scalar', 'a.c': 2 }])).toEqual({ 'a.b': 1, 'a.c': 2 });
    expect(mergeSources([{ a: 'scalar' }, { 'a.b': 1 }])).toEqual({ a: 'scalar' });
  });
});

describe('toNested', () => {
  it('builds maps and arrays from Spring keys', () => {
    expect(toNested({ 'a.b': 1, 'list[0].x': 'p', 'list[1].x': 'q', 'm.[k.with.dots]': true })).toEqual({
      a: { b: 1 },
      list: [{ x: 'p' }, { x: 'q' }],
      m: { 'k.with.dots': true },
    });
  });

  it('compacts sparse indexes', () => {
    expect(toNested({ 'l[0]': 'a', 'l[5]': 'b' })).toEqual({ l: ['a', 'b'] });
  });

  it('never writes through __proto__', () => {
    const nested = toNested({ '__proto__.polluted': 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
  });
});

describe('resolvePlaceholders', () => {
  it('resolves ${key}, defaults and nested placeholders against the merged values', () => {
    const out = resolvePlaceholders({ host: 'db', url: 'jdbc://${host}:${port:3306}/${db.${env:x}}', 'db.x': 'orders', n: 5, ref: '${n}' });
    expect(out).toMatchObject({ url: 'jdbc://db:3306/orders', ref: '5', n: 5 });
  });

  it('leaves unresolvable placeholders and cycles as written', () => {
    expect(resolvePlaceholders({ a: '${missing}', b: '${c}', c: '${b}' })).toEqual({ a: '${missing}', b: '${c}', c: '${b}' });
  });
});
