import { randomUUID } from 'node:crypto';
import type { Logger } from '@nimbus/kit';
import { normaliseEmail, passwordProblem } from '../domain/accounts.js';
import type { LockoutPolicy } from '../domain/lockout.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import { EMAIL_ALREADY_REGISTERED, PASSWORD_TOO_WEAK } from '../errors.js';
import type { UserRecord, UserStore } from '../store/users.js';

export type LoginResult =
  | { kind: 'ok'; user: UserRecord }
  | { kind: 'invalid' }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'disabled' };

export interface AccountsOptions {
  users: UserStore;
  hasher: PasswordHasher;
  lockout: LockoutPolicy;
  passwordMinLength: number;
  logger: Logger;
}

const PASSWORD_PROBLEM_TEXT = {
  too_short: (min: number) => `use at least ${min} characters`,
  too_long: () => 'use at most 128 characters',
  same_as_email: () => 'the password must not be the email address',
};

/** Registration and password login, shared by the JSON API and the OAuth password grant. */
export class Accounts {
  readonly #o: AccountsOptions;

  constructor(opts: AccountsOptions) {
    this.#o = opts;
  }

  async register(emailInput: string, password: string, now = new Date()): Promise<UserRecord> {
    const email = normaliseEmail(emailInput);
    const problem = passwordProblem(password, email, this.#o.passwordMinLength);
    if (problem) throw PASSWORD_TOO_WEAK(PASSWORD_PROBLEM_TEXT[problem](this.#o.passwordMinLength));
    const user = await this.#o.users.create({ id: randomUUID(), email, passwordHash: await this.#o.hasher.hash(password), roles: ['customer'], now });
    if (!user) throw EMAIL_ALREADY_REGISTERED();
    this.#o.logger.info('user registered', { 'user.id': user.id });
    return user;
  }

  /**
   * Checks a password under the lockout policy. The attempt is counted before
   * the password is checked; while locked the password is not checked at
   * all; unknown emails cost the same argon2 time as known ones.
   */
  async authenticate(emailInput: string, password: string, now = new Date()): Promise<LoginResult> {
    const { users, hasher, lockout, logger } = this.#o;
    const email = normaliseEmail(emailInput);
    const reservation = email.length <= 254 && password.length <= 1024 ? await users.reserveAttempt(email, lockout, now) : ({ kind: 'unknown' } as const);
    if (reservation.kind === 'unknown') {
      await hasher.verifyNothing(password.slice(0, 1024));
      return { kind: 'invalid' };
    }
    if (reservation.kind === 'locked') return { kind: 'locked', retryAfterSeconds: reservation.retryAfterSeconds };
    const { user } = reservation;
    if (!(await hasher.verify(user.passwordHash, password))) {
      logger.warn(user.lockedUntil ? 'login failed; account locked' : 'login failed', {
        'user.id': user.id,
        'auth.failed_logins': user.failedLogins,
        ...(user.lockedUntil && { 'auth.locked_until': user.lockedUntil.toISOString() }),
      });
      return { kind: 'invalid' };
    }
    if (user.status === 'disabled') return { kind: 'disabled' };
    const rehash = hasher.needsRehash(user.passwordHash) ? await hasher.hash(password) : undefined;
    await users.recordSuccess(user.id, now, rehash);
    return { kind: 'ok', user: { ...user, failedLogins: 0, lockedUntil: null, lastLoginAt: now } };
  }
}
