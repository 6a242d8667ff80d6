import { buildApp, DEFAULT_PORT } from './app.js';

const app = await buildApp({ logger: true });
const port = Number(process.env.PORT ?? DEFAULT_PORT);
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
