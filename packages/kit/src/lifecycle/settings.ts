import { Type } from '@sinclair/typebox';

/** Settings every service has, whatever it does. */
export const ServerSettings = Type.Object({
  server: Type.Object({
    host: Type.String({ default: '127.0.0.1', description: 'Interface to listen on (bootstrap env HOST); 0.0.0.0 in containers' }),
    port: Type.Integer({ default: 0, minimum: 0, maximum: 65535, description: "HTTP port (bootstrap env PORT); 0 picks a free one; each service's start script sets its standard port" }),
    bodyLimitBytes: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'Largest accepted request body' }),
    requestTimeoutMs: Type.Integer({ default: 30_000, minimum: 0, description: 'Abort requests that take longer (0 = none)' }),
    shutdownTimeoutMs: Type.Integer({ default: 15_000, minimum: 100, description: 'Bound on graceful shutdown: drain, deregister, close; then exit anyway' }),
    shutdownDelayMs: Type.Integer({ default: 0, minimum: 0, description: 'Keep serving this long after readiness fails, so balancers notice before connections close' }),
  }),
  service: Type.Object({
    zone: Type.String({ default: 'local', description: 'Zone or data centre, published in discovery metadata' }),
    profiles: Type.String({ default: 'default', description: 'Active profiles, comma-separated (bootstrap env NIMBUS_PROFILES), as in Spring' }),
  }),
});
