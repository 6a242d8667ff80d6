import { describe } from 'vitest';
import { describeBusContract } from './bus-contract.js';
import { rabbitHarness } from './harness.js';

describe('event bus contract on RabbitMQ', () => {
  describeBusContract(rabbitHarness);
});
