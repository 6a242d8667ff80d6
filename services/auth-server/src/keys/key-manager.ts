import type { Logger, VaultSecrets } from '@nimbus/kit';
import { Value } from '@sinclair/typebox/value';
import { generateStoredKey } from './generate.js';
import type { KeyRing } from './key-ring.js';
import { planRing, StoredRing, type RingPolicy, type SigningAlgorithm, type StoredKey } from './ring.js';

export interface KeyManagerOptions {
  vault: VaultSecrets;
  /** KV v2 path of the ring, e.g. auth-server/signing-keys. */
  path: string;
  algorithm: SigningAlgorithm;
  policy: RingPolicy;
  ring: KeyRing;
  /** Serialises ring changes across instances (a MySQL named lock). */
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
  checkIntervalSeconds: number;
  logger: Logger;
}

/** Parses the ring secret; refuses anything unexpected rather than overwrite keys it does not understand. */
export function parseRing(data: Record<string, unknown> | undefined, path: string): StoredKey[] {
  if (data === undefined) return [];
  if (!Value.Check(StoredRing, data)) throw new Error(`vault secret ${path} is not a signing key ring ({ keys: [...] }); fix or delete it`);
  for (const k of data.keys) {
    if ([k.createdAt, k.activatesAt, k.notAfter].some((d) => Number.isNaN(Date.parse(d)))) throw new Error(`vault secret ${path}: key ${k.kid} has an invalid date`);
  }
  return data.keys;
}

/**
 * Keeps the key ring in Vault and in memory: at start and every
 * `checkIntervalSeconds` it re-reads Vault (another instance may have
 * rotated), and when rotation or pruning is due it takes the lock, re-reads,
 * generates what is missing and writes the ring back. Private keys exist
 * only in Vault and in this process's memory.
 */
export class KeyManager {
  readonly #o: KeyManagerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(opts: KeyManagerOptions) {
    this.#o = opts;
  }

  /** Loads (creating on first start) the ring, then keeps it current. Throws if the first load fails. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((err: unknown) => {
        // The keys in memory keep serving; the next key was published well ahead.
        this.#o.logger.warn('signing key ring refresh failed', { 'error.message': err instanceof Error ? err.message : String(err) });
      });
    }, this.#o.checkIntervalSeconds * 1000);
    this.#timer.unref();
  }

  /** One maintenance pass; concurrent calls share it. */
  refresh(): Promise<void> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #refresh(): Promise<void> {
    const { vault, path, policy } = this.#o;
    let keys = parseRing((await vault.read(path))?.data, path);
    const plan = planRing(keys, Date.now(), policy);
    if (plan.create.length > 0 || plan.pruned.length > 0) keys = await this.#o.lock(() => this.#update());
    await this.#o.ring.load(keys);
  }

  /** Under the lock: re-read (another instance may have just done it) and apply the plan. */
  async #update(): Promise<StoredKey[]> {
    const { vault, path, policy, algorithm, logger } = this.#o;
    const keys = parseRing((await vault.read(path))?.data, path);
    const now = Date.now();
    const plan = planRing(keys, now, policy);
    if (plan.create.length === 0 && plan.pruned.length === 0) return keys;
    const created: StoredKey[] = [];
    for (const window of plan.create) created.push(await generateStoredKey(algorithm, window, new Date(now)));
    const next = [...plan.keep, ...created];
    await vault.write(path, { keys: next });
    logger.info('signing key ring updated', {
      'auth.keys.created': created.map((k) => ({ kid: k.kid, activatesAt: k.activatesAt, notAfter: k.notAfter })),
      'auth.keys.pruned': plan.pruned,
    });
    return next;
  }
}
