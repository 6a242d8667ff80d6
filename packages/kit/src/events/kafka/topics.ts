import type { Admin } from 'kafkajs';

/** Retry and dead-letter topics are per (topic, group): only that group reads them. */
export const kafkaNames = {
  retryTopic: (topic: string, group: string) => `${topic}.${group}.retry`,
  deadLetterTopic: (topic: string, group: string) => `${topic}.${group}.dlt`,
};

/**
 * Creates topics once per process. createTopics is idempotent on the broker
 * (it answers false for existing topics); the cache only saves round trips.
 * Explicit creation instead of broker auto-creation, so partitions are what
 * the settings say and a typo does not silently create a topic.
 */
export class TopicEnsurer {
  readonly #known = new Set<string>();

  constructor(
    private readonly admin: () => Admin,
    private readonly partitions: number,
    private readonly replicationFactor: number,
  ) {}

  async ensure(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.#known.has(t));
    if (missing.length === 0) return;
    try {
      await this.admin().createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor })),
        waitForLeaders: true,
      });
    } catch (err) {
      // Two instances creating the same topic race; the loser is told it exists.
      if (!isTopicExists(err)) throw err;
    }
    for (const t of missing) this.#known.add(t);
  }
}

function isTopicExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] } | undefined;
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
