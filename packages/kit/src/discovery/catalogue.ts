import { defineProblem } from '../errors/problem.js';

// Discovery's error codes. Codes are public API: never rename one.

/** Discovery knows no passing instance of the service (none registered, all critical, or never reachable). */
export const NO_INSTANCES = defineProblem('NO_INSTANCES', 503, 'No instance of the service is available', { retryable: true });
