import { describe, expect, it } from 'vitest';
import { nextExpiry, refreshOutcome, type RefreshTokenState } from '../../src/domain/refresh.js';

const now = new Date('2025-01-01T12:00:00Z');
const later = new Date('2025-01-02T12:00:00Z');
const fresh: RefreshTokenState = { clientId: 'web', expiresAt: later, usedAt: null, familyExpiresAt: later, familyRevokedAt: null };

describe('refresh token rotation', () => {
  it('rotates an unused, unexpired token presented by its own client', () => {
    expect(refreshOutcome(fresh, 'web', now)).toEqual({ kind: 'rotate' });
  });

  it('revokes the family when a used token comes back (reuse)', () => {
    expect(refreshOutcome({ ...fresh, usedAt: now }, 'web', now)).toEqual({ kind: 'revoke', reason: 'reuse' });
  });

  it('treats reuse of an expired used token as reuse too', () => {
    expect(refreshOutcome({ ...fresh, usedAt: now, expiresAt: now }, 'web', later)).toEqual({ kind: 'revoke', reason: 'reuse' });
  });

  it('revokes the family when another client presents the token', () => {
    expect(refreshOutcome(fresh, 'other', now)).toEqual({ kind: 'revoke', reason: 'client_mismatch' });
  });

  it('refuses tokens of a revoked family without further changes', () => {
    expect(refreshOutcome({ ...fresh, familyRevokedAt: now, usedAt: now }, 'web', now)).toEqual({ kind: 'refuse', reason: 'revoked' });
  });

  it('refuses expired tokens, and tokens of a family past its absolute lifetime', () => {
    expect(refreshOutcome({ ...fresh, expiresAt: now }, 'web', now)).toEqual({ kind: 'refuse', reason: 'expired' });
    expect(refreshOutcome({ ...fresh, familyExpiresAt: now }, 'web', now)).toEqual({ kind: 'refuse', reason: 'expired' });
  });

  it("caps a rotated token's expiry at the family's end", () => {
    expect(nextExpiry(now, 3600, later)).toEqual(new Date(now.getTime() + 3_600_000));
    expect(nextExpiry(now, 10 * 86_400, later)).toEqual(later);
  });
});
