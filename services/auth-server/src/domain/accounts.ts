import { lockRemainingSeconds, type LockState } from './lockout.js';

export type StoredStatus = 'active' | 'disabled';
/** What the API reports: `locked` is derived from the lockout state, not stored. */
export type AccountStatus = 'active' | 'locked' | 'disabled';

export function accountStatus(stored: StoredStatus, lock: LockState, now: Date): AccountStatus {
  if (stored === 'disabled') return 'disabled';
  return lockRemainingSeconds(lock, now) > 0 ? 'locked' : 'active';
}

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export type PasswordProblem = 'too_short' | 'too_long' | 'same_as_email';

/**
 * NIST SP 800-63B style: a length floor, a generous ceiling (argon2 hashes
 * any length, but an unbounded body would be a CPU lever), and no
 * composition rules. Length counts code points, not UTF-16 units.
 */
export function passwordProblem(password: string, email: string, minLength: number): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < minLength) return 'too_short';
  if (length > 128) return 'too_long';
  if (normaliseEmail(password) === normaliseEmail(email)) return 'same_as_email';
  return undefined;
}
