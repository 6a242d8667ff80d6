/** What the catalog can be sorted by; each ties on `_id`, so the order is total. */
export const SORT_FIELDS = ['createdAt', 'name', 'price'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** The position after the last item of a page: its sort key and id. */
export interface Cursor {
  sort: SortField;
  /** createdAt as epoch milliseconds, name as string, price as integer. */
  value: string | number;
  id: string;
}

/** Opaque to clients: base64url of a small JSON array. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.value, c.id]), 'utf8').toString('base64url');
}

/** The cursor, or undefined when it is not one this service issued for `sort`. */
export function decodeCursor(text: string, sort: SortField): Cursor | undefined {
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [s, value, id] = parsed as unknown[];
  if (s !== sort || typeof id !== 'string' || id.length === 0) return undefined;
  const numeric = sort !== 'name';
  if (numeric ? typeof value !== 'number' || !Number.isSafeInteger(value) : typeof value !== 'string') return undefined;
  return { sort, value: value as string | number, id };
}
