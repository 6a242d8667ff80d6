import { describe, expect, it } from 'vitest';
import { createEvent, decodeEvent, encodeData, eventProblem } from '../../src/events/cloudevent.js';
import { EVENT_INVALID } from '../../src/events/errors.js';

const base = { type: 'order.created', source: 'order-service', subject: 'order-1', data: { total: 10 } };

describe('createEvent', () => {
  it('fills in a UUID id, the current time, specversion 1.0 and JSON content type', () => {
    const e = createEvent(base);
    expect(e).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json', ...base });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(e.time)).not.toBeNaN();
    expect(createEvent(base).id).not.toBe(e.id);
  });

  it('keeps a given id, time and dataschema', () => {
    const e = createEvent({ ...base, id: 'evt-1', time: new Date('2024-05-01T10:00:00Z'), dataschema: 'urn:nimbus:order.created:2' });
    expect(e).toMatchObject({ id: 'evt-1', time: '2024-05-01T10:00:00.000Z', dataschema: 'urn:nimbus:order.created:2' });
  });

  it('refuses an event without a subject (it is the ordering key)', () => {
    expect(() => createEvent({ ...base, subject: '' })).toThrow(expect.objectContaining({ code: EVENT_INVALID.code, retryable: false }));
  });
});

describe('eventProblem', () => {
  const valid = createEvent(base);

  it('accepts a complete event', () => {
    expect(eventProblem(valid)).toBeUndefined();
  });

  it.each([
    ['specversion', { specversion: '0.3' }, /specversion/],
    ['id', { id: '' }, /id is required/],
    ['source', { source: undefined }, /source is required/],
    ['time', { time: 'yesterday' }, /RFC 3339/],
    ['time without zone', { time: '2024-05-01T10:00:00' }, /RFC 3339/],
    ['datacontenttype', { datacontenttype: 'text/plain' }, /application\/json/],
  ])('names the problem with %s', (_what, patch, message) => {
    expect(eventProblem({ ...valid, ...patch })).toMatch(message);
  });

  it('accepts +json media types with parameters', () => {
    expect(eventProblem({ ...valid, datacontenttype: 'application/vnd.order+json; charset=utf-8' })).toBeUndefined();
  });
});

describe('encodeData', () => {
  it('refuses data JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => encodeData(createEvent({ ...base, data: cyclic }))).toThrow(/not serialisable/);
    expect(() => encodeData(createEvent({ ...base, data: undefined }))).toThrow(/not serialisable/);
  });
});

describe('decodeEvent', () => {
  const attributes = { specversion: '1.0', id: 'e1', type: 't', source: 's', subject: 'x', time: '2024-05-01T10:00:00Z' } as const;

  it('rebuilds the event from attributes and a JSON body', () => {
    expect(decodeEvent(attributes, 'application/json', Buffer.from('{"a":1}'))).toEqual({
      ok: true,
      event: { ...attributes, datacontenttype: 'application/json', data: { a: 1 } },
    });
  });

  it('reports a body that is not JSON', () => {
    expect(decodeEvent(attributes, 'application/json', Buffer.from('{oops'))).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
  });

  it('reports missing attributes rather than guessing them', () => {
    expect(decodeEvent({ ...attributes, subject: undefined }, undefined, Buffer.from('{}'))).toMatchObject({ ok: false, error: expect.stringMatching(/subject/) });
  });
});
