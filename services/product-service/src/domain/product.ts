/** A product as the API shows it. Prices are integer minor units (cents) of `currency`. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  category: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export type ProductInput = Pick<Product, 'sku' | 'name' | 'description' | 'price' | 'currency' | 'category'> & { active?: boolean };
export type ProductPatch = Partial<Omit<ProductInput, 'sku'>>;

/** The event types this service publishes (public API, like error codes). */
export const PRODUCT_EVENTS = {
  created: 'product.created',
  updated: 'product.updated',
  deactivated: 'product.deactivated',
} as const;

/** Which event announces a change from `before` to `after`. */
export function eventTypeFor(before: Pick<Product, 'active'> | undefined, after: Pick<Product, 'active'>): string {
  if (!before) return PRODUCT_EVENTS.created;
  if (before.active && !after.active) return PRODUCT_EVENTS.deactivated;
  return PRODUCT_EVENTS.updated;
}

/** The fields of a patch that actually change the product (so a no-op PATCH emits nothing). */
export function changedFields(current: Product, patch: ProductPatch): ProductPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && current[key as keyof Product] !== value) out[key] = value;
  }
  return out as ProductPatch;
}
