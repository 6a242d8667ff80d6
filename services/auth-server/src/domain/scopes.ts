/** OAuth2 scope strings (RFC 6749 §3.3): space-delimited, case-sensitive, no duplicates kept. */

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Parses a scope string into unique tokens in first-seen order; undefined when a token is malformed. */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return undefined;
  return [...new Set(tokens)];
}

export const formatScope = (scopes: readonly string[]): string => scopes.join(' ');

export type ScopeDecision = { ok: true; scopes: string[] } | { ok: false; reason: string };

/**
 * The scopes to grant: those requested if every one is allowed, or all the
 * allowed ones when none were requested (RFC 6749 §3.3 lets the server pick
 * a default; ours is the client's full set, or the original grant on refresh).
 */
export function grantScopes(requested: string | undefined, allowed: readonly string[]): ScopeDecision {
  const parsed = parseScope(requested);
  if (parsed === undefined) return { ok: false, reason: 'scope is malformed' };
  if (parsed.length === 0) return { ok: true, scopes: [...allowed] };
  const extra = parsed.filter((s) => !allowed.includes(s));
  if (extra.length > 0) return { ok: false, reason: `scope not allowed: ${extra.join(' ')}` };
  return { ok: true, scopes: parsed };
}
