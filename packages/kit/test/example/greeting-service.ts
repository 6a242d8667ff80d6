import { Type } from '@sinclair/typebox';
import mysql from 'mysql2/promise';
import { createEvent, createOutbox, createProcessedStore, defineProblem, idempotent, migrateEventTables, useEventBus, useOutboxRelay, type ServiceDefinition } from '../../src/index.js';

// A small but complete service, built only from the kit, used by the kit's
// acceptance test: MariaDB store, transactional outbox, an idempotent
// consumer on the configured binder, HTTP routes with schemas and errors.

const GREETING_NOT_FOUND = defineProblem('GREETING_NOT_FOUND', 404, 'Greeting not found');

export const GreetingSettings = Type.Object({
  mysql: Type.Object({
    url: Type.String({ default: 'mysql://nimbus:nimbus@127.0.0.1:3306', description: 'MariaDB server (bootstrap env MYSQL_URL)' }),
    database: Type.String({ default: 'nimbus_kit_example', description: 'Database of this service' }),
  }),
});


interface Deps {
  pool: mysql.Pool;
  outbox: ReturnType<typeof createOutbox>;
  relay: { nudge(): void };
}

export const greetingService: ServiceDefinition<typeof GreetingSettings, Deps> = {
  name: 'kit-example',
  version: '1.0.0',
  description: 'The kit acceptance test service',
  settings: GreetingSettings,
  bootstrapEnv: { MYSQL_URL: 'mysql.url', EXAMPLE_DATABASE: 'mysql.database' },
  async setup(ctx) {
    const { url, database } = ctx.settings.mysql;
    const admin = await mysql.createConnection(url);
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
    await admin.end();
    const pool = mysql.createPool({ uri: url, database, connectionLimit: 5 });
    ctx.onClose({ name: 'mysql', close: () => pool.end() });
    ctx.health.add({ name: 'mysql', check: async () => void (await pool.query('SELECT 1')) });
    await migrateEventTables(pool);
    await pool.query('CREATE TABLE IF NOT EXISTS greetings (id VARCHAR(64) PRIMARY KEY, text VARCHAR(200) NOT NULL, delivered BOOLEAN NOT NULL DEFAULT FALSE)');

    const bus = useEventBus(ctx);
    const processed = createProcessedStore(pool);
    // Topic and group carry the service name, so every test run has its own.
    bus.subscribe<{ id: string }>(
      `${ctx.name}.greetings`,
      ctx.name,
      idempotent(processed, async (event, delivery, conn) => {
        delivery.logger.info('greeting received', { 'greeting.id': event.data.id });
        await conn.query('UPDATE greetings SET delivered = TRUE WHERE id = ?', [event.data.id]);
      }),
    );
    await bus.start();
    const relay = useOutboxRelay(ctx, pool, bus);
    await relay.start();

    return { pool, outbox: createOutbox(), relay };
  },
  async routes(app, ctx, { pool, outbox, relay }) {
    const Greeting = Type.Object({ id: Type.String(), text: Type.String(), delivered: Type.Boolean() });

    app.post('/greetings', { schema: { body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 200 }) }), response: { 201: Greeting } } }, async (request, reply) => {
      const id = crypto.randomUUID();
      const { text } = request.body as { text: string };
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        await conn.query('INSERT INTO greetings (id, text) VALUES (?, ?)', [id, text]);
        await outbox.add(conn, `${ctx.name}.greetings`, createEvent({ type: 'greeting.created', source: ctx.name, subject: id, data: { id } }));
        await conn.commit();
      } catch (err) {
        await conn.rollback();
        throw err;
      } finally {
        conn.release();
      }
      relay.nudge();
      request.log.info({ 'greeting.id': id }, 'greeting stored');
      return reply.code(201).send({ id, text, delivered: false });
    });

    app.get('/greetings/:id', { schema: { params: Type.Object({ id: Type.String() }), response: { 200: Greeting } } }, async (request) => {
      const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT id, text, delivered FROM greetings WHERE id = ?', [(request.params as { id: string }).id]);
      const row = rows[0];
      if (!row) throw GREETING_NOT_FOUND();
      return { id: row['id'], text: row['text'], delivered: Boolean(row['delivered']) };
    });
  },
};
