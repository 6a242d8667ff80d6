import { describe, expect, it } from 'vitest';
import { typeMatcher, typePatternProblem } from '../../src/events/type-pattern.js';

describe('typeMatcher (AMQP topic semantics)', () => {
  it.each([
    [['order.*'], 'order.created', true],
    [['order.*'], 'order.line.added', false],
    [['order.#'], 'order.line.added', true],
    [['order.#'], 'order', true],
    [['*.created'], 'payment.created', true],
    [['#.created'], 'a.b.created', true],
    [['order.created'], 'order.cancelled', false],
    [['order.created', 'payment.*'], 'payment.captured', true],
    [['#'], 'anything.at.all', true],
    [[], 'anything', true],
  ])('%j matches %s: %s', (patterns, type, expected) => {
    expect(typeMatcher(patterns)(type)).toBe(expected);
  });
});

describe('typePatternProblem', () => {
  it('accepts words, * and #', () => {
    expect(typePatternProblem('order.*.v2')).toBeUndefined();
  });

  it.each(['', 'order..created', 'order.cre*ted', 'order created'])('refuses %j', (pattern) => {
    expect(typePatternProblem(pattern)).toBeDefined();
  });
});
