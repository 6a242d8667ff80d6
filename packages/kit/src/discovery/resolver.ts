import type { Instance } from './instance.js';

/** What a resolver knows about one service, for health details. */
export interface ServiceCacheStatus {
  /** Passing instances in the cache. */
  instances: number;
  /** Instances currently skipped after a failed call. */
  quarantined: number;
  /** When discovery last answered for this service (ISO 8601); absent before the first answer. */
  updatedAt?: string;
  /** The last error fetching this service, while it persists. */
  error?: string;
}

export interface DiscoveryHealth {
  mode: 'consul' | 'static';
  /** Whether the discovery backend answered just now (always true for static). */
  reachable: boolean;
  error?: string;
  services: Record<string, ServiceCacheStatus>;
}

/**
 * Turns a service name into instances. Lookups are synchronous and served
 * from a local cache so a request never waits on discovery; the cache is
 * kept fresh in the background.
 */
export interface ServiceResolver {
  /** The passing instances known right now; an unknown name returns [] and starts watching it. */
  resolve(service: string): readonly Instance[];
  /**
   * The next instance round-robin, skipping quarantined ones.
   * @throws ProblemError NO_INSTANCES when none is known.
   */
  next(service: string): Instance;
  /** Skips this instance for a short quarantine (a call to it failed at the network or gateway level). */
  markFailed(instance: Instance): void;
  /**
   * Starts watching a service if not yet watched and resolves once the
   * first answer is in (with [] if discovery could not be reached: the watch
   * keeps trying). Never rejects. Call at boot for known dependencies; the
   * client calls it when the cache is empty.
   */
  prime(service: string): Promise<readonly Instance[]>;
  health(): Promise<DiscoveryHealth>;
  /** Stops every watch; resolve() keeps answering from the last cache. */
  close(): Promise<void>;
}
