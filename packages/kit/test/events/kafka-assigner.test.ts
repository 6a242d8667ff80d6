import { describe, expect, it } from 'vitest';
import { assignPartitions } from '../../src/events/kafka/assigner.js';

const partitions: Record<string, number[]> = { orders: [0, 1, 2], payments: [0, 1, 2], 'orders.billing.retry': [0, 1, 2] };
const of = (topic: string) => partitions[topic] ?? [];

describe('assignPartitions', () => {
  it('gives each topic’s partitions only to the members subscribed to it', () => {
    const result = assignPartitions(
      [
        { memberId: 'm-orders', topics: ['orders', 'orders.billing.retry'] },
        { memberId: 'm-payments', topics: ['payments'] },
      ],
      of,
    );
    expect(result.get('m-orders')).toEqual({ orders: [0, 1, 2], 'orders.billing.retry': [0, 1, 2] });
    expect(result.get('m-payments')).toEqual({ payments: [0, 1, 2] });
  });

  it('spreads a topic over its subscribers and assigns every partition exactly once', () => {
    const members = ['a', 'b'].map((memberId) => ({ memberId, topics: ['orders', 'payments'] }));
    const result = assignPartitions(members, of);
    for (const topic of ['orders', 'payments']) {
      const owned = [...result.values()].flatMap((byTopic) => byTopic[topic] ?? []).sort();
      expect(owned).toEqual([0, 1, 2]);
    }
    expect(Object.values(result.get('a') ?? {}).flat().length).toBe(3);
    expect(Object.values(result.get('b') ?? {}).flat().length).toBe(3);
  });

  it('leaves a member with nothing rather than something it did not ask for', () => {
    const result = assignPartitions([{ memberId: 'idle', topics: ['unknown'] }], of);
    expect(result.get('idle')).toEqual({});
  });
});
