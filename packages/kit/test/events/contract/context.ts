import type { EventBus } from '../../../src/events/bus.js';
import type { CloudEvent } from '../../../src/events/cloudevent.js';
import type { createTestDatabase, BinderHarness, testDeps } from '../support.js';

/** What the contract cases share; filled in by describeBusContract's hooks before any case runs. */
export interface ContractContext {
  readonly h: BinderHarness;
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  /** A fresh topic and group(s), deleted after the test. */
  names(extraGroups?: number): { topic: string; group: string; groups: string[] };
  /** A bus on the harness's broker (or the given settings), closed after the test. */
  bus(settings?: ReturnType<BinderHarness['settings']>, deps?: ReturnType<typeof testDeps>): EventBus;
  event(subject: string, data: unknown, type?: string): CloudEvent;
}
