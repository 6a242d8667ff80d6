import { randomUUID } from 'node:crypto';

/** What a refresh event says: which applications should re-read their configuration, and the commit now served. */
export interface RefreshData {
  /** Application names, or `*` for all (a change to application*.yml). */
  applications: string[];
  commit: string;
  /** The label the commit was accepted for (the default label). */
  label: string;
}

/** A CloudEvents 1.0 event in structured JSON form. */
export interface RefreshEvent {
  specversion: '1.0';
  id: string;
  type: 'config.refresh';
  source: string;
  /** The commit id: events about one commit share it. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: RefreshData;
}

export const REFRESH_EVENT_TYPE = 'config.refresh';

export function refreshEvent(source: string, data: RefreshData, now: Date = new Date()): RefreshEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    type: REFRESH_EVENT_TYPE,
    source,
    subject: data.commit,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/**
 * Where refresh events go. Deliberately minimal, so the AMQP implementation
 * can be swapped for the kit's EventBus without touching the sync logic.
 */
export interface RefreshPublisher {
  /** Resolves once the broker confirmed the event; rejects otherwise (the caller retries). */
  publish(event: RefreshEvent): Promise<void>;
  /** Readiness details; rejects when events cannot currently be published. */
  check(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** For a server with refresh.enabled=false: events are dropped, on purpose. */
export const noRefreshPublisher: RefreshPublisher = {
  publish: async () => {},
  check: async () => ({ enabled: false }),
  close: async () => {},
};
