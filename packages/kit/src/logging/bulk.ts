import type { BulkEntry } from './bounded-queue.js';

/**
 * `_bulk` NDJSON for Elasticsearch 7.10, OpenSearch 2 and Elasticsearch 8
 * alike, and for a Logstash http input in front of them.
 *
 * Action `create` with `_index: <prefix>-<service>-YYYY.MM.DD`, no `_id`:
 * - ES 7.10 (OSS, no data streams) and OpenSearch 2 auto-create a plain
 *   daily index; `create` with a generated id is an ordinary insert there.
 * - ES 8 ships a built-in `logs-*-*` index template with data streams, so
 *   the same name becomes a data stream, which accepts only `create` (an
 *   `index` action is refused) and needs `@timestamp` (ECS has it).
 * - Logstash's pipeline drops the action lines and indexes the documents.
 * One name per service and day keeps Kibana's `logs-*` pattern working on
 * every backend, and lets retention delete whole days.
 */
export function indexName(prefix: string, service: string, timestamp: unknown): string {
  return `${prefix}-${safeIndexPart(service)}-${utcDay(timestamp)}`;
}

/** Index names are lower-case and cannot contain \ / * ? " < > | space , # or : */
export function safeIndexPart(name: string): string {
  const cleaned = name.toLowerCase().replace(/[\\/*?"<>| ,#:]+/g, '_').replace(/^[-_+.]+/, '');
  return cleaned || 'unknown';
}

/** `2024-05-01T23:59:59.999Z` → `2024.05.01`, from the event's own time so late flushes land in the right day. */
function utcDay(timestamp: unknown): string {
  const iso = typeof timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(timestamp) ? timestamp : new Date().toISOString();
  return iso.slice(0, 10).replace(/-/g, '.');
}

const actionLines = new Map<string, string>();

/** The action line and the document, each newline-terminated, with its UTF-8 size. */
export function bulkEntry(index: string, document: string): BulkEntry {
  let action = actionLines.get(index);
  if (action === undefined) {
    if (actionLines.size > 1000) actionLines.clear();
    action = `${JSON.stringify({ create: { _index: index } })}\n`;
    actionLines.set(index, action);
  }
  const lines = `${action}${document}\n`;
  return { lines, bytes: Buffer.byteLength(lines) };
}

export interface BulkOutcome {
  /** Entries Elasticsearch stored. */
  shipped: number;
  /** Entries to send again (per-item 429 / 503: the cluster is busy, the document is fine). */
  retry: BulkEntry[];
  /** Entries refused for good (mapping conflict, malformed), with the first reason seen. */
  rejected: number;
  firstRejection?: string;
}

interface BulkResponse {
  errors?: boolean;
  items?: Array<Record<string, { status?: number; error?: { type?: string; reason?: string } }>>;
}

/**
 * Reads a 2xx `_bulk` answer. A body that is not Elasticsearch's JSON (Logstash
 * answers `ok`) means everything was accepted.
 */
export function bulkOutcome(entries: readonly BulkEntry[], body: string): BulkOutcome {
  let parsed: BulkResponse;
  try {
    parsed = JSON.parse(body) as BulkResponse;
  } catch {
    return { shipped: entries.length, retry: [], rejected: 0 };
  }
  if (!parsed.errors || !Array.isArray(parsed.items)) return { shipped: entries.length, retry: [], rejected: 0 };
  const outcome: BulkOutcome = { shipped: 0, retry: [], rejected: 0 };
  entries.forEach((entry, i) => {
    const item = parsed.items?.[i];
    const result = item ? Object.values(item)[0] : undefined;
    const status = result?.status ?? 200;
    if (status < 300) outcome.shipped++;
    else if (status === 429 || status === 503) outcome.retry.push(entry);
    else {
      outcome.rejected++;
      outcome.firstRejection ??= `${status} ${result?.error?.type ?? ''}: ${result?.error?.reason ?? ''}`.trim();
    }
  });
  return outcome;
}
