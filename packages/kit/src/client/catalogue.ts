import { defineProblem } from '../errors/problem.js';

// The service client's own error codes, beside the kit's DEPENDENCY_*,
// CIRCUIT_OPEN and BULKHEAD_FULL. Codes are public API: never rename one.

/** The dependency answered, but not with what the caller expected (not JSON, or not the declared schema). */
export const DEPENDENCY_BAD_RESPONSE = defineProblem('DEPENDENCY_BAD_RESPONSE', 502, 'A dependency sent a response that cannot be used');
/** The token endpoint could not be reached or failed (5xx, timeout): service-to-service calls cannot authenticate for now. */
export const SERVICE_TOKEN_UNAVAILABLE = defineProblem('SERVICE_TOKEN_UNAVAILABLE', 503, 'No service token could be obtained', { retryable: true });
/** The token endpoint refused this service's credentials: a configuration error, retrying will not help. */
export const SERVICE_TOKEN_REJECTED = defineProblem('SERVICE_TOKEN_REJECTED', 500, 'The auth server refused this service’s client credentials');
