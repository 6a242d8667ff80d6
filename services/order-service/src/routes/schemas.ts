import { Type, type Static } from '@sinclair/typebox';
import { ORDER_STATUSES } from '../domain/order.js';

const ProductId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: 'Product id in product-service' });

export const OrderParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Order id' }) }, { additionalProperties: false });
export type OrderParams = Static<typeof OrderParams>;

export const CreateOrderBody = Type.Object(
  {
    items: Type.Array(Type.Object({ productId: ProductId, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1_000,
      description: 'Lines; a product listed twice is merged',
    }),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const CreateOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Required. A retry with the same key returns the first order' })),
});

export const Order = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
  failureReason: Type.Union([Type.String(), Type.Null()], { description: 'Why the order FAILED: "out of stock", "timeout", …' }),
  total: Type.Object({ amount: Type.Integer({ description: 'Minor units' }), currency: Type.String() }),
  items: Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer(), unitPrice: Type.Integer({ description: 'Minor units, at order time' }) })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const OrderPage = Type.Object({ items: Type.Array(Order), nextCursor: Type.Union([Type.String(), Type.Null()]) });
