import type { Cursor, SortField } from './cursor.js';

export interface CatalogQuery {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  currency?: string;
  /** Free text matched, case-insensitively and literally, in name or description. */
  q?: string;
  /** Include inactive products (admins only; the route decides). */
  includeInactive: boolean;
  sort: SortField;
  after?: Cursor;
}

/** Escapes every regex metacharacter so user text matches literally (and cannot be a ReDoS pattern). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The field a sort key lives in, in the stored document. */
export const SORT_PATHS: Readonly<Record<SortField, string>> = { createdAt: 'createdAt', name: 'name', price: 'price' };

/**
 * The MongoDB filter of a catalog query. Only operators FerretDB 1.x also
 * supports ($and, $or, $gt, $gte, $lte, $regex): no $text, which FerretDB lacks.
 * Values are never spread from user input, so no operator can be smuggled in.
 */
export function catalogFilter(q: CatalogQuery): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (!q.includeInactive) and.push({ active: true });
  if (q.category !== undefined) and.push({ category: q.category });
  if (q.currency !== undefined) and.push({ currency: q.currency });
  if (q.minPrice !== undefined || q.maxPrice !== undefined) {
    const range: Record<string, number> = {};
    if (q.minPrice !== undefined) range['$gte'] = q.minPrice;
    if (q.maxPrice !== undefined) range['$lte'] = q.maxPrice;
    and.push({ price: range });
  }
  if (q.q !== undefined && q.q.trim() !== '') {
    const pattern = escapeRegex(q.q.trim());
    and.push({ $or: [{ name: { $regex: pattern, $options: 'i' } }, { description: { $regex: pattern, $options: 'i' } }] });
  }
  if (q.after) {
    const path = SORT_PATHS[q.sort];
    const value = q.sort === 'createdAt' ? new Date(q.after.value as number) : q.after.value;
    and.push({ $or: [{ [path]: { $gt: value } }, { [path]: value, _id: { $gt: q.after.id } }] });
  }
  return and.length === 0 ? {} : and.length === 1 ? (and[0] as Record<string, unknown>) : { $and: and };
}

/** The sort matching catalogFilter's cursor condition. */
export function catalogSort(sort: SortField): Record<string, 1> {
  return { [SORT_PATHS[sort]]: 1, _id: 1 };
}
