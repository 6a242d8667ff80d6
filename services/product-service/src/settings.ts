import { Type, type Static } from '@sinclair/typebox';

/** Settings of product-service beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({
  mongo: Type.Object(
    {
      url: Type.String({ default: 'mongodb://127.0.0.1:27017', description: 'MongoDB (or FerretDB) URL (bootstrap env MONGODB_URL); keep credentials in Vault' }),
      database: Type.String({ default: 'nimbus_products', pattern: '^[A-Za-z0-9_-]{1,63}$', description: 'Database holding the catalog' }),
      serverSelectionTimeoutMs: Type.Integer({ default: 5_000, minimum: 100, description: 'How long a command waits for a reachable server before failing' }),
    },
    { default: {}, description: 'Catalog store' },
  ),
  catalog: Type.Object(
    {
      defaultPageSize: Type.Integer({ default: 20, minimum: 1, maximum: 100, description: 'Page size of GET /products when `limit` is absent' }),
      maxPageSize: Type.Integer({ default: 100, minimum: 1, maximum: 500, description: 'Largest `limit` GET /products accepts' }),
      topic: Type.String({ default: 'products', minLength: 1, description: 'Event topic product.created / updated / deactivated are published on' }),
      relayIntervalMs: Type.Integer({ default: 1_000, minimum: 10, description: 'How often the event relay looks for products with unpublished events (it is also nudged after each write)' }),
      relayBatchSize: Type.Integer({ default: 100, minimum: 1, description: 'Products the relay drains per pass' }),
    },
    { default: {}, description: 'Catalog API and events' },
  ),
});
export type Settings = Static<typeof Settings>;
