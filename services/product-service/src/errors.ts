import { defineProblem } from '@nimbus/kit';

// product-service error codes. Codes are public API: never rename one.
// Authentication and authorisation use the kit's UNAUTHENTICATED (401) and FORBIDDEN (403).

export const PRODUCT_NOT_FOUND = defineProblem('PRODUCT_NOT_FOUND', 404, 'Product not found');
export const SKU_TAKEN = defineProblem('SKU_TAKEN', 409, 'Another product already has this SKU');
export const CURSOR_INVALID = defineProblem('CURSOR_INVALID', 400, 'The page cursor is not valid for this query');
export const QUERY_OPERATOR_REJECTED = defineProblem('QUERY_OPERATOR_REJECTED', 400, 'Field names starting with "$" are not accepted');
export const PRICE_RANGE_INVALID = defineProblem('PRICE_RANGE_INVALID', 400, 'minPrice is greater than maxPrice');
