import { CURSOR_INVALID } from '../errors.js';
import type { PageCursor } from '../store/orders.js';

/** Opaque to clients: base64url JSON of the last order's creation time and id. */
export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): PageCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw CURSOR_INVALID('pass nextCursor of the previous page unchanged');
}
