import { describe } from 'vitest';
import { describeBusContract } from './bus-contract.js';
import { kafkaHarness } from './harness.js';

describe('event bus contract on Kafka', () => {
  describeBusContract(kafkaHarness);
});
