import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, holdsNoStock, isFinal, normaliseItems, transition, type OrderCommand, type OrderStatus } from '../../src/domain/order.js';

const COMMANDS: OrderCommand[] = ['reserve', 'confirm', 'complete', 'reject', 'timeout', 'cancel'];

describe('order state machine', () => {
  it.each([
    ['PENDING', 'reserve', 'RESERVED'],
    ['RESERVED', 'confirm', 'CONFIRMED'],
    ['PENDING', 'reject', 'FAILED'],
    ['PENDING', 'timeout', 'FAILED'],
    ['PENDING', 'cancel', 'CANCELLED'],
    ['RESERVED', 'cancel', 'CANCELLED'],
    ['CONFIRMED', 'complete', 'COMPLETED'],
    ['CONFIRMED', 'cancel', 'CANCELLED'],
  ] as const)('moves %s on %s to %s', (from, command, to) => {
    expect(transition(from, command)).toEqual({ ok: true, from, to });
  });

  it('allows exactly the eight listed edges and refuses every other pair', () => {
    const allowed = ORDER_STATUSES.flatMap((s) => COMMANDS.filter((c) => transition(s, c).ok).map((c) => `${s}:${c}`));
    expect(allowed.sort()).toEqual([
      'CONFIRMED:cancel',
      'CONFIRMED:complete',
      'PENDING:cancel',
      'PENDING:reject',
      'PENDING:reserve',
      'PENDING:timeout',
      'RESERVED:cancel',
      'RESERVED:confirm',
    ]);
  });

  it('refuses to cancel a completed order (its stock has left; a return is another flow) and to complete an unconfirmed one', () => {
    expect(transition('COMPLETED', 'cancel')).toEqual({ ok: false, from: 'COMPLETED', command: 'cancel' });
    expect(transition('RESERVED', 'complete').ok).toBe(false);
    expect(transition('PENDING', 'complete').ok).toBe(false);
  });

  it('refuses to confirm an order whose stock was never reserved', () => {
    expect(transition('PENDING', 'confirm').ok).toBe(false);
  });

  it('refuses a reservation arriving after a timeout or cancellation', () => {
    expect(transition('FAILED', 'reserve').ok).toBe(false);
    expect(transition('CANCELLED', 'reserve').ok).toBe(false);
  });

  it('treats COMPLETED, FAILED and CANCELLED as final and the others as open', () => {
    const final = ORDER_STATUSES.filter((s: OrderStatus) => isFinal(s));
    expect(final).toEqual(['COMPLETED', 'FAILED', 'CANCELLED']);
  });

  it('says a late reservation must be released for failed and cancelled orders only', () => {
    expect(ORDER_STATUSES.filter((s) => holdsNoStock(s))).toEqual(['FAILED', 'CANCELLED']);
  });
});

describe('normaliseItems', () => {
  it('merges repeated products and sorts them by id', () => {
    expect(normaliseItems([{ productId: 'b', quantity: 1 }, { productId: 'a', quantity: 2 }, { productId: 'b', quantity: 3 }], 10, 100)).toEqual({
      ok: true,
      items: [{ productId: 'a', quantity: 2 }, { productId: 'b', quantity: 4 }],
    });
  });

  it('refuses an empty order, a non-positive quantity, too many products and a merged quantity over the limit', () => {
    expect(normaliseItems([], 10, 100).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 0 }], 10, 100).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 1 }], 1, 100).ok).toBe(false);
    expect(normaliseItems([{ productId: 'a', quantity: 60 }, { productId: 'a', quantity: 60 }], 10, 100)).toEqual({ ok: false, problem: 'quantity of a exceeds 100' });
  });
});
