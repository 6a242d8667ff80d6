/**
 * One email template per order event type. Pure: the same event always
 * renders the same email, so a retried send is the same message.
 */
export const NOTIFIED_EVENT_TYPES = ['order.confirmed', 'order.failed', 'order.cancelled'] as const;
export type NotifiedEventType = (typeof NOTIFIED_EVENT_TYPES)[number];

export interface OrderEventData {
  orderId: string;
  customerEmail?: string | undefined;
  reason?: string | null | undefined;
  items?: { productId: string; quantity: number; unitPrice?: number | undefined }[] | undefined;
  total?: { amount: number; currency: string } | undefined;
}

export interface Email {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Minor units → "12.50 EUR" (two decimals; enough for the currencies the shop sells in). */
export function formatMoney(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

function lines(data: OrderEventData): string[] {
  return (data.items ?? []).map((i) => `${i.quantity} × ${i.productId}${i.unitPrice === undefined || !data.total ? '' : ` at ${formatMoney(i.unitPrice, data.total.currency)}`}`);
}

const REASONS: Readonly<Record<string, string>> = {
  'out of stock': 'some items are out of stock',
  timeout: 'we could not confirm stock in time',
};

function body(type: NotifiedEventType, data: OrderEventData): { subject: string; paragraphs: string[] } {
  const order = `order ${data.orderId}`;
  const total = data.total ? `Total: ${formatMoney(data.total.amount, data.total.currency)}` : undefined;
  switch (type) {
    case 'order.confirmed':
      return { subject: `Your order ${data.orderId} is confirmed`, paragraphs: [`Thank you! We have confirmed your ${order}.`, ...lines(data), ...(total ? [total] : [])] };
    case 'order.failed': {
      const why = data.reason ? (REASONS[data.reason] ?? data.reason) : 'an unexpected problem';
      return { subject: `Your order ${data.orderId} could not be completed`, paragraphs: [`We are sorry: your ${order} could not be completed because ${why}.`, 'You have not been charged.'] };
    }
    case 'order.cancelled':
      return { subject: `Your order ${data.orderId} is cancelled`, paragraphs: [`Your ${order} has been cancelled.`, ...lines(data)] };
  }
}

export function render(type: NotifiedEventType, data: OrderEventData): Email {
  const { subject, paragraphs } = body(type, data);
  return {
    subject,
    text: `${paragraphs.join('\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`,
  };
}

/**
 * Whether this event warrants an email. An order.cancelled with reason
 * "timeout" or "compensation" is the saga releasing stock (the customer
 * hears about the timeout through order.failed), not a cancellation to tell.
 */
export function shouldNotify(type: NotifiedEventType, data: OrderEventData): boolean {
  return !(type === 'order.cancelled' && (data.reason === 'timeout' || data.reason === 'compensation'));
}
