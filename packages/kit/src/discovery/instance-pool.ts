import type { Instance } from './instance.js';

/**
 * The instances of one service, handed out round-robin, minus those a call
 * recently failed on. Resolvers own one pool per service and replace its
 * contents when discovery reports a change.
 */
export class InstancePool {
  #instances: readonly Instance[] = [];
  #cursor = 0;
  /** Instance ID → epoch ms until which it is skipped. */
  readonly #quarantine = new Map<string, number>();

  constructor(
    readonly service: string,
    private readonly quarantineMs: number,
  ) {}

  get instances(): readonly Instance[] {
    return this.#instances;
  }

  /**
   * Takes a fresh list from discovery. A quarantined instance that discovery
   * no longer lists loses its quarantine: if it comes back, discovery has
   * seen its check pass again, which is better evidence than our timer.
   */
  replace(instances: readonly Instance[]): void {
    this.#instances = Object.freeze([...instances]);
    const present = new Set(instances.map((i) => i.id));
    for (const id of this.#quarantine.keys()) if (!present.has(id)) this.#quarantine.delete(id);
  }

  /**
   * The next instance round-robin, skipping quarantined ones. When every
   * instance is quarantined it still returns one (in turn): trying a maybe
   * recovered instance beats failing without trying, and the breaker above
   * stops the traffic if they really are all down.
   */
  next(now = Date.now()): Instance | undefined {
    const list = this.#instances;
    if (list.length === 0) return undefined;
    const start = this.#cursor % list.length;
    this.#cursor = (start + 1) % list.length;
    for (let i = 0; i < list.length; i++) {
      const candidate = list[(start + i) % list.length];
      if (candidate && !this.#isQuarantined(candidate.id, now)) {
        this.#cursor = (start + i + 1) % list.length;
        return candidate;
      }
    }
    return list[start];
  }

  markFailed(instance: Instance, now = Date.now()): void {
    if (this.quarantineMs <= 0) return;
    if (!this.#instances.some((i) => i.id === instance.id)) return;
    this.#quarantine.set(instance.id, now + this.quarantineMs);
  }

  quarantined(now = Date.now()): number {
    return this.#instances.filter((i) => this.#isQuarantined(i.id, now)).length;
  }

  #isQuarantined(id: string, now: number): boolean {
    const until = this.#quarantine.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#quarantine.delete(id);
    return false;
  }
}
