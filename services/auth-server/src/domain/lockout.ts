/**
 * Account lockout with exponential backoff, as pure rules over the two
 * numbers stored per user: consecutive failures and the lock's end.
 *
 * After `maxFailures` consecutive failures the account locks for
 * `baseSeconds`; every further failure (possible only once a lock has ended)
 * doubles the lock, up to `maxSeconds`. A success resets both. While locked
 * the password is not checked at all, so a lock cannot be used as an oracle
 * and an online guesser gains nothing from trying.
 */
export interface LockoutPolicy {
  maxFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

export interface LockState {
  failedLogins: number;
  lockedUntil: Date | null;
}

/** Seconds left on the lock, or 0 when the account may try to log in. */
export function lockRemainingSeconds(state: LockState, now: Date): number {
  if (!state.lockedUntil) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** How long the lock lasts after the given number of consecutive failures (0: not locked). */
export function lockDurationSeconds(failedLogins: number, policy: LockoutPolicy): number {
  if (failedLogins < policy.maxFailures) return 0;
  const doublings = Math.min(failedLogins - policy.maxFailures, 30);
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds);
}

/** The state after one more failed attempt. */
export function afterFailure(state: LockState, policy: LockoutPolicy, now: Date): LockState {
  const failedLogins = state.failedLogins + 1;
  const seconds = lockDurationSeconds(failedLogins, policy);
  return { failedLogins, lockedUntil: seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null };
}

/** The state after a successful login. */
export const afterSuccess = (): LockState => ({ failedLogins: 0, lockedUntil: null });
