import type { AccessRule, RouteSettings } from '../settings.js';

/** Who made the request, from a verified access token. */
export interface Identity {
  subject: string;
  roles: readonly string[];
  scopes: readonly string[];
  clientId: string | undefined;
  /** The `email` claim, when the token has one (user tokens with the email scope). */
  email?: string | undefined;
}

export type Decision = { allow: true } | { allow: false; status: 401 | 403; reason: string };

/** The first rule whose methods include `method` (or that lists none). */
export function ruleFor(rules: readonly AccessRule[], method: string): AccessRule | undefined {
  const m = method.toUpperCase();
  return rules.find((r) => r.methods.length === 0 || (r.methods as readonly string[]).includes(m));
}

/** The route's access decision for a caller (undefined when no valid token was presented). */
export function decide(route: Pick<RouteSettings, 'auth' | 'rules'>, method: string, identity: Identity | undefined): Decision {
  if (route.auth === 'public') return { allow: true };
  if (!identity) return { allow: false, status: 401, reason: 'an access token is required' };
  const rule = ruleFor(route.rules, method);
  if (!rule) return { allow: true };
  if (rule.roles.length > 0 && !rule.roles.some((r) => identity.roles.includes(r))) {
    return { allow: false, status: 403, reason: `requires one of the roles: ${rule.roles.join(', ')}` };
  }
  const missing = rule.scopes.filter((s) => !identity.scopes.includes(s));
  if (missing.length > 0) return { allow: false, status: 403, reason: `requires the scopes: ${missing.join(', ')}` };
  return { allow: true };
}
