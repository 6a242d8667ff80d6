import { defineProblem } from '@nimbus/kit';

// order-service error codes. Codes are public API: never rename one.
// Authentication and authorisation use the kit's UNAUTHENTICATED (401) and FORBIDDEN (403);
// a product-service outage surfaces as the kit's DEPENDENCY_UNAVAILABLE, DEPENDENCY_TIMEOUT,
// CIRCUIT_OPEN or BULKHEAD_FULL (503/504, retryable, with `dependency`).

export const ORDER_NOT_FOUND = defineProblem('ORDER_NOT_FOUND', 404, 'No such order');
export const ORDER_ITEMS_INVALID = defineProblem('ORDER_ITEMS_INVALID', 400, 'The order items are not valid');
/** Extension `items`: the product ids that do not exist or are not for sale. */
export const PRODUCT_UNAVAILABLE = defineProblem('PRODUCT_UNAVAILABLE', 422, 'A product of the order does not exist or is not for sale');
export const MIXED_CURRENCIES = defineProblem('MIXED_CURRENCIES', 422, 'The products of one order must share a currency');
export const IDEMPOTENCY_KEY_REQUIRED = defineProblem('IDEMPOTENCY_KEY_REQUIRED', 400, 'POST /orders needs an Idempotency-Key header');
/** The key was already used by this customer for a different request body. */
export const IDEMPOTENCY_KEY_REUSED = defineProblem('IDEMPOTENCY_KEY_REUSED', 409, 'The Idempotency-Key was already used for a different request');
/** Extension `orderStatus`: the order's current status. */
export const ORDER_NOT_CANCELLABLE = defineProblem('ORDER_NOT_CANCELLABLE', 409, 'The order can no longer be cancelled');
/** Extension `orderStatus`: only a CONFIRMED order can be completed. */
export const ORDER_NOT_COMPLETABLE = defineProblem('ORDER_NOT_COMPLETABLE', 409, 'Only a confirmed order can be completed');
export const CURSOR_INVALID = defineProblem('CURSOR_INVALID', 400, 'The page cursor is not valid');
