import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

// The package's `Algorithm` is an ambient const enum, which isolatedModules
// cannot read; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;

export interface Argon2Params {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing (OWASP Password Storage Cheat Sheet parameters by
 * default). Hashes run on the libuv pool, off the event loop.
 */
export class PasswordHasher {
  readonly #params: Argon2Params;
  #dummy: Promise<string> | undefined;

  constructor(params: Argon2Params) {
    this.#params = params;
  }

  hash(password: string): Promise<string> {
    const { memoryCostKiB, timeCost, parallelism } = this.#params;
    return hash(password, { algorithm: ARGON2ID, memoryCost: memoryCostKiB, timeCost, parallelism });
  }

  /** Constant-time comparison inside argon2; a malformed stored hash verifies as false. */
  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /**
   * Burns the same time as a real verification when there is nothing to
   * verify against (unknown email or client), so response time does not
   * reveal which identifiers exist.
   */
  async verifyNothing(password: string): Promise<false> {
    this.#dummy ??= this.hash(randomBytes(32).toString('base64url'));
    await this.verify(await this.#dummy, password);
    return false;
  }

  /** Whether a stored hash was made with other parameters (or algorithm) and should be replaced at next login. */
  needsRehash(stored: string): boolean {
    try {
      const o = parseOptions(stored);
      const p = this.#params;
      return o.algorithm !== ARGON2ID || o.memoryCost !== p.memoryCostKiB || o.timeCost !== p.timeCost || o.parallelism !== p.parallelism;
    } catch {
      return true;
    }
  }
}
