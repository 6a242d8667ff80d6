import { describe, expect, it } from 'vitest';
import { afterFailure, afterSuccess, lockDurationSeconds, lockRemainingSeconds, type LockState } from '../../src/domain/lockout.js';

const policy = { maxFailures: 3, baseSeconds: 60, maxSeconds: 600 };
const t0 = new Date('2025-01-01T00:00:00Z');
const plus = (s: number) => new Date(t0.getTime() + s * 1000);

describe('lockout', () => {
  it('stays unlocked below the threshold and locks for the base duration when it is reached', () => {
    let state: LockState = afterSuccess();
    state = afterFailure(state, policy, t0);
    state = afterFailure(state, policy, t0);
    expect(state).toEqual({ failedLogins: 2, lockedUntil: null });
    state = afterFailure(state, policy, t0);
    expect(state.lockedUntil).toEqual(plus(60));
    expect(lockRemainingSeconds(state, plus(1))).toBe(59);
    expect(lockRemainingSeconds(state, plus(60))).toBe(0);
  });

  it('doubles the lock with each failure after a lock ends, up to the maximum', () => {
    expect([3, 4, 5, 6, 7, 8].map((n) => lockDurationSeconds(n, policy))).toEqual([60, 120, 240, 480, 600, 600]);
    expect(lockDurationSeconds(10_000, policy)).toBe(600);
  });

  it('rounds the remaining lock up so Retry-After never says 0 while locked', () => {
    expect(lockRemainingSeconds({ failedLogins: 3, lockedUntil: new Date(t0.getTime() + 1) }, t0)).toBe(1);
  });

  it('resets failures and lock after a success', () => {
    expect(afterSuccess()).toEqual({ failedLogins: 0, lockedUntil: null });
  });
});
