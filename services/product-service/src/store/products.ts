import { randomUUID } from 'node:crypto';
import { createEvent, type CloudEvent, KeyedSerial } from '@nimbus/kit';
import type { Collection, Db, IndexDescription } from 'mongodb';
import { encodeCursor, type SortField } from '../domain/cursor.js';
import { changedFields, eventTypeFor, type Product, type ProductInput, type ProductPatch } from '../domain/product.js';
import { catalogFilter, catalogSort, type CatalogQuery } from '../domain/query.js';
import { PRODUCT_NOT_FOUND, SKU_TAKEN } from '../errors.js';

/**
 * The stored document. `outbox` holds the events announcing this document's
 * changes that are not yet published: FerretDB has no multi-document
 * transactions, but a single-document write is atomic, so the state change
 * and its event are written together (the outbox lives in the aggregate).
 * `rev` makes read-modify-write updates optimistic.
 */
export interface ProductDoc {
  _id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  category: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  rev: number;
  outbox: CloudEvent<Product>[];
  outboxPending: boolean;
}

export interface Page {
  items: Product[];
  nextCursor: string | null;
}

const DUPLICATE_KEY = 11000;
const MAX_UPDATE_ATTEMPTS = 5;
const SOURCE = 'product-service';

export function toProduct(d: ProductDoc): Product {
  return {
    id: d._id,
    sku: d.sku,
    name: d.name,
    description: d.description,
    price: d.price,
    currency: d.currency,
    category: d.category,
    active: d.active,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

function sortValue(d: ProductDoc, sort: SortField): string | number {
  return sort === 'createdAt' ? d.createdAt.getTime() : d[sort];
}

const INDEXES: IndexDescription[] = [
  { key: { sku: 1 }, name: 'sku_unique', unique: true },
  { key: { active: 1, category: 1, price: 1 }, name: 'active_category_price' },
  { key: { createdAt: 1, _id: 1 }, name: 'created_at_id' },
  { key: { name: 1, _id: 1 }, name: 'name_id' },
  { key: { price: 1, _id: 1 }, name: 'price_id' },
  { key: { outboxPending: 1 }, name: 'outbox_pending' },
];

export class ProductStore {
  readonly collection: Collection<ProductDoc>;
  /**
   * Writes to one product run one at a time in this process (the relay's
   * outbox removal included). MongoDB applies a conditional update atomically,
   * but FerretDB v1 on SQLite was seen losing a deactivation to a concurrent
   * relay write in the same instant; serialising per product closes that gap.
   */
  readonly writes = new KeyedSerial();

  constructor(db: Db, name = 'products') {
    this.collection = db.collection<ProductDoc>(name);
  }

  /** Unique and compound indexes only: FerretDB 1.x has no text, TTL, partial or sparse indexes. */
  async createIndexes(): Promise<void> {
    // One index per command: FerretDB 1.24 drops the connection (a panic in
    // its handler, "slice bounds out of range" in its log) on a createIndexes
    // listing several indexes that already exist, i.e. on every restart.
    for (const index of INDEXES) await this.collection.createIndexes([index]);
  }

  async get(id: string, includeInactive: boolean): Promise<Product> {
    const doc = await this.collection.findOne({ _id: id });
    if (!doc || (!doc.active && !includeInactive)) throw PRODUCT_NOT_FOUND(`no product ${id}`);
    return toProduct(doc);
  }

  async list(query: CatalogQuery, limit: number): Promise<Page> {
    const docs = await this.collection
      .find(catalogFilter(query))
      .sort(catalogSort(query.sort))
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = docs.length > limit && last ? encodeCursor({ sort: query.sort, value: sortValue(last, query.sort), id: last._id }) : null;
    return { items: page.map(toProduct), nextCursor };
  }

  async create(input: ProductInput, now = new Date()): Promise<Product> {
    const id = randomUUID();
    const product: Product = { id, ...input, active: input.active ?? true, createdAt: now.toISOString(), updatedAt: now.toISOString() };
    const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = product;
    const event = createEvent({ type: eventTypeFor(undefined, product), source: SOURCE, subject: id, data: product });
    try {
      await this.collection.insertOne({ _id: id, ...fields, createdAt: now, updatedAt: now, rev: 1, outbox: [event], outboxPending: true });
    } catch (err) {
      if ((err as { code?: number }).code === DUPLICATE_KEY) throw SKU_TAKEN(`sku ${input.sku} is taken`);
      throw err;
    }
    return product;
  }

  /** Applies a patch with its event in one document write; retries when another write came in between. */
  update(id: string, patch: ProductPatch, now = new Date()): Promise<Product> {
    return this.writes.run(id, () => this.#update(id, patch, now));
  }

  async #update(id: string, patch: ProductPatch, now: Date): Promise<Product> {
    for (let attempt = 1; ; attempt++) {
      const doc = await this.collection.findOne({ _id: id });
      if (!doc) throw PRODUCT_NOT_FOUND(`no product ${id}`);
      const current = toProduct(doc);
      const changes = changedFields(current, patch);
      if (Object.keys(changes).length === 0) return current;
      const next: Product = { ...current, ...changes, updatedAt: now.toISOString() };
      const event = createEvent({ type: eventTypeFor(current, next), source: SOURCE, subject: id, data: next });
      const result = await this.collection.updateOne(
        { _id: id, rev: doc.rev },
        { $set: { ...changes, updatedAt: now, rev: doc.rev + 1, outboxPending: true }, $push: { outbox: event } },
      );
      if (result.matchedCount === 1) return next;
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw new Error(`product ${id} kept changing under update; gave up after ${attempt} attempts`);
    }
  }
}
