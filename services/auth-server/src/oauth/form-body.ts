import { OAuthError } from './oauth-error.js';

/**
 * application/x-www-form-urlencoded as OAuth endpoints take it. RFC 6749 §3.2
 * and §3.1: parameters sent without a value are treated as omitted, and a
 * parameter MUST NOT be included more than once, so a repeat is refused
 * rather than silently resolved one way or the other.
 */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (seen.has(name)) throw new OAuthError('invalid_request', `parameter "${name.slice(0, 40)}" is repeated`);
    seen.add(name);
    if (value !== '') out[name] = value;
  }
  return { ...out };
}
