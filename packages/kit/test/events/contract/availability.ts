import { expect, it } from 'vitest';
import { EVENT_BUS_UNAVAILABLE } from '../../../src/events/errors.js';
import { eventually } from '../../support/endpoints.js';
import type { ContractContext } from './context.js';

/** Behaviour while the broker is unreachable, and health. */
export function availabilityCases(c: ContractContext): void {
  it('rejects a publish with a retryable error and reports unhealthy while the broker is unreachable', async () => {
    const { topic } = c.names();
    const b = c.bus(c.h.unreachableSettings());
    await b.start();
    const err = await b.publish(topic, c.event('order-1', {})).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: EVENT_BUS_UNAVAILABLE.code, retryable: true });
    await expect(b.healthCheck().check()).rejects.toThrow(/unreachable/);
  });

  it('reports healthy while connected and unhealthy once closed', async () => {
    const { topic, group } = c.names();
    const b = c.bus();
    b.subscribe(topic, group, async () => undefined);
    await b.start();
    await eventually(() => b.healthCheck().check().then(() => true), 30_000, 'healthy bus');
    await b.close();
    await expect(b.healthCheck().check()).rejects.toThrow(/closed/);
  });
}
