import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const ASSIGNER_NAME = 'NimbusSubscriptionRoundRobin';

/** Round-robin of each topic's partitions over the members subscribed to it. Pure, for testing. */
export function assignPartitions(
  members: { memberId: string; topics: string[] }[],
  partitionsOf: (topic: string) => number[],
): Map<string, Record<string, number[]>> {
  const result = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  let offset = 0;
  for (const topic of topics) {
    const subscribers = members
      .filter((m) => m.topics.includes(topic))
      .map((m) => m.memberId)
      .sort();
    const partitions = [...partitionsOf(topic)].sort((a, b) => a - b);
    partitions.forEach((partition, i) => {
      // Rotating the start per topic spreads single-partition topics over members.
      const byTopic = result.get(subscribers[(i + offset) % subscribers.length] ?? '');
      if (byTopic) (byTopic[topic] ??= []).push(partition);
    });
    offset += partitions.length;
  }
  return result;
}

/**
 * kafkajs's built-in round-robin hands every topic of the group to every
 * member, whether it subscribed or not, and the leader only knows its own
 * topics. Spring Cloud Stream users routinely put several bindings (topics)
 * in one group, and one service runs one consumer per subscription, so this
 * assigner reads each member's subscription and only gives members what they
 * asked for. https://kafka.js.org/docs/faq#why-am-i-receiving-messages-for-topics-i-m-not-subscribed-to
 */
export const subscriptionAwareAssigner: PartitionAssigner = ({ cluster }) => {
  const assigner: Assigner = {
    name: ASSIGNER_NAME,
    version: 0,
    async assign({ members }) {
      const decoded = members.map((m) => ({ memberId: m.memberId, topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? [] }));
      const topics = [...new Set(decoded.flatMap((m) => m.topics))];
      // The leader's metadata covers its own topics only; fetch the others'.
      await cluster.addMultipleTargetTopics(topics);
      const assignment = assignPartitions(decoded, (topic) => cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId));
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: byTopic, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  };
  return assigner;
};
