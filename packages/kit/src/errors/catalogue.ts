import { defineProblem } from './problem.js';

// The kit's own error codes. Codes are public API: never rename one.

export const VALIDATION_FAILED = defineProblem('VALIDATION_FAILED', 400, 'The request is not valid');
export const UNAUTHENTICATED = defineProblem('UNAUTHENTICATED', 401, 'Authentication is required');
export const FORBIDDEN = defineProblem('FORBIDDEN', 403, 'Not allowed');
export const NOT_FOUND = defineProblem('NOT_FOUND', 404, 'No such resource');
export const METHOD_NOT_ALLOWED = defineProblem('METHOD_NOT_ALLOWED', 405, 'Method not allowed');
export const PAYLOAD_TOO_LARGE = defineProblem('PAYLOAD_TOO_LARGE', 413, 'The request body is too large');
export const UNSUPPORTED_MEDIA_TYPE = defineProblem('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type');
export const RATE_LIMITED = defineProblem('RATE_LIMITED', 429, 'Too many requests', { retryable: true });
export const INTERNAL = defineProblem('INTERNAL', 500, 'Internal error');
export const SERVICE_UNAVAILABLE = defineProblem('SERVICE_UNAVAILABLE', 503, 'Service unavailable', { retryable: true });
export const SHUTTING_DOWN = defineProblem('SHUTTING_DOWN', 503, 'The service is shutting down', { retryable: true });

/** A call to another service or to infrastructure failed; the feature that needed it is degraded. */
export const DEPENDENCY_UNAVAILABLE = defineProblem('DEPENDENCY_UNAVAILABLE', 503, 'A dependency is unavailable', { retryable: true });
export const DEPENDENCY_TIMEOUT = defineProblem('DEPENDENCY_TIMEOUT', 504, 'A dependency did not answer in time', { retryable: true });
export const CIRCUIT_OPEN = defineProblem('CIRCUIT_OPEN', 503, 'A dependency is failing and calls to it are paused', { retryable: true });
export const BULKHEAD_FULL = defineProblem('BULKHEAD_FULL', 503, 'Too many concurrent calls to a dependency', { retryable: true });

export const CONFIG_INVALID = defineProblem('CONFIG_INVALID', 500, 'The configuration is not valid');
export const SECRET_UNAVAILABLE = defineProblem('SECRET_UNAVAILABLE', 500, 'A secret could not be read', { retryable: true });
