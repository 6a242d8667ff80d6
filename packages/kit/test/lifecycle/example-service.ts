import { Type } from '@sinclair/typebox';
import { defineProblem } from '../../src/errors/problem.js';
import type { ServiceDefinition } from '../../src/lifecycle/service.js';

export const ITEM_NOT_FOUND = defineProblem('ITEM_NOT_FOUND', 404, 'Item not found');

export const ExampleSettings = Type.Object({
  example: Type.Object({
    greeting: Type.String({ default: 'hello', description: 'What GET /greeting answers' }),
  }),
});

/** A small service used by the kit's own tests. */
export function exampleService(events: string[] = []): ServiceDefinition<typeof ExampleSettings> {
  return {
    name: 'example-service',
    version: '1.0.0',
    settings: ExampleSettings,
    async setup(ctx) {
      ctx.onClose({ name: 'pool', close: () => void events.push('pool closed') });
      ctx.onClose({ name: 'consumer', stage: 'intake', close: () => void events.push('consumer closed') });
    },
    async routes(app, ctx) {
      app.get('/greeting', async () => ({ greeting: ctx.config.current['example'] as unknown as { greeting: string } }));
      app.post(
        '/items',
        { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), qty: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
        async (request, reply) => reply.code(201).send(request.body),
      );
      app.get('/items/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => {
        throw ITEM_NOT_FOUND(`item ${(request.params as { id: string }).id}`);
      });
      app.get('/boom', async () => {
        throw new Error('db password is hunter2');
      });
      app.get('/slow', async () => {
        events.push('slow started');
        await new Promise((r) => setTimeout(r, 200));
        events.push('slow finished');
        return { ok: true };
      });
    },
  };
}
