import { afterAll, afterEach, beforeAll } from 'vitest';
import type { EventBus } from '../../src/events/bus.js';
import { createEvent } from '../../src/events/cloudevent.js';
import { migrateEventTables } from '../../src/events/outbox/schema.js';
import { uniqueName } from '../support/endpoints.js';
import { availabilityCases } from './contract/availability.js';
import type { ContractContext } from './contract/context.js';
import { deliveryCases } from './contract/delivery.js';
import { failureCases } from './contract/failures.js';
import { persistenceCases } from './contract/persistence.js';
import { tracingCases } from './contract/tracing.js';
import { createTestDatabase, testDeps, type BinderHarness } from './support.js';

/**
 * The behaviour every binder must have, run against the live broker of each
 * (and MariaDB for the outbox and the processed store). Each test uses its
 * own topic and groups, so reruns and leftovers never interfere, and deletes
 * them afterwards.
 */
export function describeBusContract(makeHarness: () => Promise<BinderHarness>): void {
  let h: BinderHarness | undefined;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const buses: EventBus[] = [];
  const created: { topic: string; groups: string[] }[] = [];

  beforeAll(async () => {
    h = await makeHarness();
    db = await createTestDatabase();
    await migrateEventTables(db.pool);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 0 })));
    for (const { topic, groups } of created.splice(0)) await h?.cleanup(topic, groups);
  });
  afterAll(async () => {
    await db?.drop();
    await h?.close();
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the contract suite’s beforeAll has not run');
    return value;
  };
  const c: ContractContext = {
    get h() {
      return ready(h);
    },
    get db() {
      return ready(db);
    },
    names(extraGroups = 0) {
      const topic = uniqueName('contract');
      const groups = Array.from({ length: extraGroups + 1 }, () => uniqueName('group'));
      created.push({ topic, groups });
      return { topic, group: groups[0] as string, groups };
    },
    bus(settings = ready(h).settings(), deps = testDeps()) {
      const b = ready(h).createBus(settings, deps);
      buses.push(b);
      return b;
    },
    event: (subject, data, type = 'order.created') => createEvent({ type, source: 'contract-test', subject, data }),
  };

  deliveryCases(c);
  failureCases(c);
  persistenceCases(c);
  availabilityCases(c);
  tracingCases(c);
}
