import { describe, expect, it } from 'vitest';
import { formatMoney, render, shouldNotify } from '../../src/domain/templates.js';

const order = { orderId: 'o-1', items: [{ productId: 'widget', quantity: 2, unitPrice: 250 }], total: { amount: 500, currency: 'EUR' } };

describe('email templates', () => {
  it('confirms with the lines and the total', () => {
    const email = render('order.confirmed', order);
    expect(email.subject).toBe('Your order o-1 is confirmed');
    expect(email.text).toContain('2 × widget at 2.50 EUR');
    expect(email.text).toContain('Total: 5.00 EUR');
  });

  it('explains a failure in the customer’s words: out of stock, timeout, or the reason as given', () => {
    expect(render('order.failed', { ...order, reason: 'out of stock' }).text).toContain('because some items are out of stock');
    expect(render('order.failed', { ...order, reason: 'timeout' }).text).toContain('could not confirm stock in time');
    expect(render('order.failed', { ...order, reason: 'payment declined' }).text).toContain('because payment declined');
  });

  it('escapes HTML from event data', () => {
    expect(render('order.failed', { orderId: 'o-2', reason: '<script>x</script>' }).html).not.toContain('<script>');
  });

  it('renders the same email for the same event, so a retried send is the same message', () => {
    expect(render('order.cancelled', order)).toEqual(render('order.cancelled', order));
  });

  it('stays silent on the saga’s own compensation cancels but tells a customer cancel', () => {
    expect(shouldNotify('order.cancelled', { orderId: 'o', reason: 'compensation' })).toBe(false);
    expect(shouldNotify('order.cancelled', { orderId: 'o', reason: 'timeout' })).toBe(false);
    expect(shouldNotify('order.cancelled', { orderId: 'o', reason: 'cancelled by customer' })).toBe(true);
    expect(shouldNotify('order.failed', { orderId: 'o', reason: 'timeout' })).toBe(true);
  });

  it('formats minor units with two decimals', () => {
    expect(formatMoney(1999, 'USD')).toBe('19.99 USD');
  });
});
