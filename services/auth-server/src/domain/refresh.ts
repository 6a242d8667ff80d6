/**
 * Refresh token rotation with reuse detection (OAuth 2.0 Security BCP,
 * RFC 9700 §4.14.2): every refresh token is single-use; using one issues the
 * next in the same family. A used token coming back means two parties hold
 * it, one of them an attacker, so the whole family (every token of that
 * login) is revoked.
 */
export interface RefreshTokenState {
  clientId: string;
  expiresAt: Date;
  usedAt: Date | null;
  familyExpiresAt: Date;
  familyRevokedAt: Date | null;
}

export type RevokeReason = 'reuse' | 'client_mismatch' | 'logout' | 'revocation' | 'account_disabled';

export type RefreshOutcome =
  | { kind: 'rotate' }
  /** Refuse and revoke the family. */
  | { kind: 'revoke'; reason: RevokeReason }
  /** Refuse; nothing to change. */
  | { kind: 'refuse'; reason: 'revoked' | 'expired' };

export function refreshOutcome(token: RefreshTokenState, presentingClientId: string, now: Date): RefreshOutcome {
  if (token.familyRevokedAt) return { kind: 'refuse', reason: 'revoked' };
  if (token.usedAt) return { kind: 'revoke', reason: 'reuse' };
  // A refresh token is bound to its client (RFC 6749 §6); another client holding it means it leaked.
  if (token.clientId !== presentingClientId) return { kind: 'revoke', reason: 'client_mismatch' };
  if (now >= token.expiresAt || now >= token.familyExpiresAt) return { kind: 'refuse', reason: 'expired' };
  return { kind: 'rotate' };
}

/** The next token's expiry: its own TTL, but never past the family's absolute end. */
export function nextExpiry(now: Date, ttlSeconds: number, familyExpiresAt: Date): Date {
  return new Date(Math.min(now.getTime() + ttlSeconds * 1000, familyExpiresAt.getTime()));
}
