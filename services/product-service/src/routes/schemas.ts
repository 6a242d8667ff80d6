import { Type, type Static } from '@sinclair/typebox';
import { SORT_FIELDS } from '../domain/cursor.js';

const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Stock keeping unit, unique' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 5_000 });
const Price = Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Price in minor units (cents) of currency' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Category = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^$]', description: 'Category slug or name' });

export const ProductBody = Type.Object(
  { sku: Sku, name: Name, description: Type.Optional(Description), price: Price, currency: Currency, category: Category, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ProductBody = Static<typeof ProductBody>;

export const ProductPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    price: Type.Optional(Price),
    currency: Type.Optional(Currency),
    category: Type.Optional(Category),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProductPatchBody = Static<typeof ProductPatchBody>;

export const Product = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Integer(),
  currency: Type.String(),
  category: Type.String(),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const ListQuery = Type.Object(
  {
    category: Type.Optional(Category),
    currency: Type.Optional(Currency),
    minPrice: Type.Optional(Type.Integer({ minimum: 0 })),
    maxPrice: Type.Optional(Type.Integer({ minimum: 0 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Text searched literally, case-insensitively, in name and description' })),
    sort: Type.Optional(Type.Union(SORT_FIELDS.map((s) => Type.Literal(s)), { description: 'Ascending sort key; ties broken by id' })),
    cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'nextCursor of the previous page, with the same filters and sort' })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    includeInactive: Type.Optional(Type.Boolean({ description: 'Admins only: also list deactivated products' })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const Page = Type.Object({ items: Type.Array(Product), nextCursor: Type.Union([Type.String(), Type.Null()]) });
