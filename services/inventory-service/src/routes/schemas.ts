import { Type, type Static } from '@sinclair/typebox';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description });

export const ProductParams = Type.Object({ productId: Id('Product id (or SKU) the stock is kept under') }, { additionalProperties: false });
export type ProductParams = Static<typeof ProductParams>;
export const OrderParams = Type.Object({ orderId: Id('Order id') }, { additionalProperties: false });
export type OrderParams = Static<typeof OrderParams>;

export const StockBody = Type.Object({ available: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Units free to reserve' }) }, { additionalProperties: false });
export type StockBody = Static<typeof StockBody>;

export const Stock = Type.Object({ productId: Type.String(), available: Type.Integer(), reserved: Type.Integer() });

const Item = Type.Object({ productId: Id('Product id'), quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false });

export const ReserveBody = Type.Object({ orderId: Id('Order id; reserving twice for one order returns the first reservation'), items: Type.Array(Item, { minItems: 1 }) }, { additionalProperties: false });
export type ReserveBody = Static<typeof ReserveBody>;

export const Reservation = Type.Object({
  orderId: Type.String(),
  status: Type.Union([Type.Literal('reserved'), Type.Literal('confirmed'), Type.Literal('released'), Type.Literal('expired'), Type.Literal('committed')]),
  expiresAt: Type.String({ format: 'date-time' }),
  items: Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer() })),
});
