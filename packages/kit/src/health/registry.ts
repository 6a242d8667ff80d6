/** A named readiness check: resolves when the dependency is usable, throws (or rejects) when not. */
export interface HealthCheck {
  name: string;
  /** Resolves (optionally with details to report) when usable; rejects when not. */
  check(): Promise<unknown>;
  /** A non-critical dependency degrades one feature: reported, but readiness stays UP. */
  critical?: boolean;
  /** Upper bound for one check, so a hanging dependency cannot hang the probe. */
  timeoutMs?: number;
}

export interface CheckResult {
  status: 'UP' | 'DOWN';
  critical: boolean;
  details?: Record<string, unknown>;
  error?: string;
}

export interface HealthReport {
  status: 'UP' | 'DOWN';
  checks: Record<string, CheckResult>;
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness is the conjunction of critical checks, plus a switch the
 * lifecycle flips off at shutdown so load balancers stop sending traffic
 * before connections close.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();
  #accepting = true;

  add(check: HealthCheck): void {
    this.#checks.set(check.name, check);
  }

  remove(name: string): void {
    this.#checks.delete(name);
  }

  /** Marks the service as going away: readiness fails from now on. */
  stopAccepting(): void {
    this.#accepting = false;
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.#checks.values()].map(async (c): Promise<[string, CheckResult]> => {
        const critical = c.critical ?? true;
        try {
          const details = await withTimeout(c.check(), c.timeoutMs ?? 2_000, c.name);
          return [c.name, { status: 'UP', critical, ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}) }];
        } catch (err) {
          return [c.name, { status: 'DOWN', critical, error: err instanceof Error ? err.message : String(err) }];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    if (!this.#accepting) checks['lifecycle'] = { status: 'DOWN', critical: true, error: 'shutting down' };
    const down = Object.values(checks).some((c) => c.critical && c.status === 'DOWN');
    return { status: down ? 'DOWN' : 'UP', checks };
  }
}
