import { describe, expect, it } from 'vitest';
import { concerns, readRefreshEvent } from '../../../src/config/server-client/index.js';

const structured = {
  specversion: '1.0',
  id: 'e1',
  type: 'config.refresh',
  source: 'config-server',
  subject: 'abc',
  time: '2026-01-01T00:00:00Z',
  datacontenttype: 'application/json',
  data: { applications: ['orders'], commit: 'abc', label: 'main' },
};

describe('readRefreshEvent', () => {
  it('reads the structured CloudEvent the config server publishes', () => {
    expect(readRefreshEvent({ content: Buffer.from(JSON.stringify(structured)), properties: { headers: {} } as never })).toEqual({ id: 'e1', applications: ['orders'], commit: 'abc' });
  });

  it('reads the binary form the kit EventBus publishes (attributes in cloudEvents: headers)', () => {
    const msg = { content: Buffer.from(JSON.stringify(structured.data)), properties: { headers: { 'cloudEvents:type': 'config.refresh', 'cloudEvents:id': 'e2' } } as never };
    expect(readRefreshEvent(msg)).toEqual({ id: 'e2', applications: ['orders'], commit: 'abc' });
  });

  it('ignores other event types and bodies that are not JSON', () => {
    expect(readRefreshEvent({ content: Buffer.from(JSON.stringify({ ...structured, type: 'order.created' })), properties: { headers: {} } as never })).toBeUndefined();
    expect(readRefreshEvent({ content: Buffer.from('nope'), properties: { headers: {} } as never })).toBeUndefined();
  });
});

describe('concerns', () => {
  it('matches the application by name, or everyone on *', () => {
    expect(concerns(['orders'], 'orders')).toBe(true);
    expect(concerns(['*'], 'orders')).toBe(true);
    expect(concerns(['order', 'order-service'], 'orders')).toBe(false);
  });
});
