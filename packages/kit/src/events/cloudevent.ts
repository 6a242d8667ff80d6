import { randomUUID } from 'node:crypto';
import { EVENT_INVALID } from './errors.js';

/**
 * A CloudEvents 1.0 event as the platform carries it: JSON data, a subject on
 * every event (the entity id, also the ordering/partition key), and the W3C
 * trace context as the CloudEvents distributed-tracing extension.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  /** Unique per source; consumers deduplicate on it, so a re-publish must keep it. */
  readonly id: string;
  /** What happened, e.g. `order.created`. RabbitMQ routes on it. */
  readonly type: string;
  /** Who said so: the publishing service's name. */
  readonly source: string;
  /** The entity the event is about, e.g. the order id; events of one subject are delivered in order. */
  readonly subject: string;
  /** RFC 3339 timestamp of the occurrence. */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** URI of the schema (and so the version) `data` adheres to, e.g. `urn:nimbus:order.created:2`. */
  readonly dataschema?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly data: T;
}

export interface EventInit<T> {
  type: string;
  source: string;
  subject: string;
  data: T;
  dataschema?: string;
  /** Defaults to a random UUID. */
  id?: string;
  /** Defaults to now. */
  time?: Date | string;
}

/** Builds an event with a fresh id and the current time. */
export function createEvent<T>(init: EventInit<T>): CloudEvent<T> {
  const time = init.time instanceof Date ? init.time.toISOString() : (init.time ?? new Date().toISOString());
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    type: init.type,
    source: init.source,
    subject: init.subject,
    time,
    datacontenttype: 'application/json',
    ...(init.dataschema !== undefined && { dataschema: init.dataschema }),
    data: init.data,
  };
  assertValidEvent(event);
  return event;
}

/** The attributes carried as headers (everything but data), in wire order. */
export const CONTEXT_ATTRIBUTES = ['specversion', 'id', 'type', 'source', 'subject', 'time', 'dataschema', 'traceparent', 'tracestate'] as const;
export type ContextAttribute = (typeof CONTEXT_ATTRIBUTES)[number];

const REQUIRED: readonly ContextAttribute[] = ['id', 'type', 'source', 'subject', 'time'];
// RFC 3339 with a time zone; Date.parse alone accepts too much (e.g. "2024").
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Why an event is not publishable, or undefined when it is. */
export function eventProblem(event: Partial<Record<ContextAttribute | 'datacontenttype', unknown>>): string | undefined {
  if (event.specversion !== '1.0') return `specversion must be "1.0", got ${JSON.stringify(event.specversion)}`;
  for (const name of REQUIRED) {
    const v = event[name];
    if (typeof v !== 'string' || v.length === 0) return `${name} is required and must be a non-empty string`;
  }
  if (!RFC3339.test(event.time as string) || Number.isNaN(Date.parse(event.time as string))) return `time must be an RFC 3339 timestamp`;
  if (event.datacontenttype !== undefined && !isJsonContentType(event.datacontenttype)) return 'datacontenttype must be application/json';
  for (const name of ['dataschema', 'traceparent', 'tracestate'] as const) {
    if (event[name] !== undefined && typeof event[name] !== 'string') return `${name} must be a string`;
  }
  return undefined;
}

export function assertValidEvent(event: CloudEvent): void {
  const problem = eventProblem(event);
  if (problem) throw EVENT_INVALID(problem);
}

export function isJsonContentType(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const media = (value.split(';')[0] ?? '').trim().toLowerCase();
  return media === 'application/json' || media.endsWith('+json');
}

/** JSON bytes of the data, failing as EVENT_INVALID for what JSON cannot carry. */
export function encodeData(event: CloudEvent): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(event.data);
  } catch (err) {
    throw EVENT_INVALID({ detail: `data is not serialisable as JSON: ${(err as Error).message}`, cause: err });
  }
  if (text === undefined) throw EVENT_INVALID('data is not serialisable as JSON (undefined or a function)');
  return Buffer.from(text, 'utf8');
}

/** Result of reading a message off the wire: an event, or why it is not one (it is then dead-lettered). */
export type Decoded = { ok: true; event: CloudEvent } | { ok: false; error: string };

/** Builds an event from attributes read from headers and the raw body. */
export function decodeEvent(attributes: Partial<Record<ContextAttribute, string>>, contentType: string | undefined, body: Buffer): Decoded {
  const { id, type, source, subject, time, dataschema, traceparent, tracestate } = attributes;
  const problem = eventProblem({ ...attributes, datacontenttype: contentType ?? 'application/json' });
  if (problem || !id || !type || !source || !subject || !time) return { ok: false, error: problem ?? 'missing attributes' };
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `data is not valid JSON: ${(err as Error).message}` };
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    type,
    source,
    subject,
    time,
    datacontenttype: 'application/json',
    ...(dataschema !== undefined && { dataschema }),
    ...(traceparent !== undefined && { traceparent }),
    ...(tracestate !== undefined && { tracestate }),
    data,
  };
  return { ok: true, event };
}
