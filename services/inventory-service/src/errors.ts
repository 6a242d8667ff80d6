import { defineProblem } from '@nimbus/kit';

// inventory-service error codes. Codes are public API: never rename one.
// Authentication and authorisation use the kit's UNAUTHENTICATED (401) and FORBIDDEN (403).

export const STOCK_NOT_FOUND = defineProblem('STOCK_NOT_FOUND', 404, 'No stock is recorded for this product');
/** Extension `items`: per product, requested, available and reason ("out of stock" or "unknown product"). */
export const OUT_OF_STOCK = defineProblem('OUT_OF_STOCK', 409, 'Not enough stock for every item of the order; nothing was reserved');
export const RESERVATION_NOT_FOUND = defineProblem('RESERVATION_NOT_FOUND', 404, 'No reservation for this order');
/** The reservation was released, expired or committed and cannot make the requested transition. */
export const RESERVATION_NOT_ACTIVE = defineProblem('RESERVATION_NOT_ACTIVE', 409, 'The reservation is no longer active');
export const ORDER_ITEMS_INVALID = defineProblem('ORDER_ITEMS_INVALID', 400, 'The order items are not valid');
/** Lock contention outlasted the retries; repeating the call may succeed. */
export const STOCK_BUSY = defineProblem('STOCK_BUSY', 503, 'Stock is busy; try again', { retryable: true });
