import { type BuiltService, type Flat, type KitSettings } from '@nimbus/kit';
import { MongoClient } from 'mongodb';
import { buildApp } from '../../src/app.js';
import { deleteRabbitObjects, endpoints, isolatedService, testRunId } from '@nimbus/kit/testing';

export const env = endpoints;

export interface TestProductService {
  service: BuiltService<KitSettings>;
  database: string;
  topic: string;
  stop(): Promise<void>;
}

/** product-service on live FerretDB and RabbitMQ, with its own database and topic; stop() drops both. */
export async function startProductService(overrides: Flat = {}): Promise<TestProductService> {
  const id = testRunId();
  const database = `nimbus_product_test_${id}`;
  const topic = `nimbus-test.products.${id}`;
  const service = await buildApp(isolatedService({ MONGODB_URL: env['MONGODB_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] }, { 'mongo.database': database, 'catalog.topic': topic, ...overrides }));
  return {
    service: service as unknown as BuiltService<KitSettings>,
    database,
    topic,
    async stop() {
      await service.stop();
      const client = new MongoClient(env['MONGODB_URL']!);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
      await deleteRabbitObjects(id);
    },
  };
}

export const ADMIN = { 'x-user-id': 'admin-1', 'x-user-roles': 'admin' };
export const CUSTOMER = { 'x-user-id': 'user-1', 'x-user-roles': 'customer' };
