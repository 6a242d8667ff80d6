import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('MongoDB-wire smoke (mongodb driver)', () => {
  const client = new MongoClient(endpoint('MONGODB_URL'), { serverSelectionTimeoutMS: 5_000 });
  const dbName = uniqueName('smoke').replace(/-/g, '_');

  beforeAll(() => client.connect());
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('inserts, finds by regex and enforces a unique index (what the catalog uses)', async () => {
    const products = client.db(dbName).collection('products');
    await products.createIndex({ sku: 1 }, { unique: true });
    await products.insertMany([
      { sku: 'A-1', name: 'Blue mug', price: { amount: 1299, currency: 'EUR' } },
      { sku: 'A-2', name: 'Red kettle', price: { amount: 3999, currency: 'EUR' } },
    ]);
    const found = await products.find({ name: { $regex: 'mug', $options: 'i' } }).toArray();
    expect(found.map((p) => p['sku'])).toEqual(['A-1']);
    await expect(products.insertOne({ sku: 'A-1', name: 'duplicate' })).rejects.toThrow(/duplicate key/i);
  });
});
