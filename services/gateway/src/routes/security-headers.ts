import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

type HeaderValue = string | number | readonly string[];

/**
 * The response headers @fastify/helmet sets with `options`, worked out once
 * by helmet itself on a throwaway app. With static options (no CSP directive
 * functions, no nonces) they are the same for every request, while the
 * plugin builds helmet's whole middleware chain again (CSP directives parsed
 * and validated, each header formatted) on every request: a tenth of the
 * gateway's CPU per proxied request.
 */
export async function helmetHeaders(options: FastifyHelmetOptions = {}): Promise<ReadonlyArray<readonly [string, HeaderValue]>> {
  const probe = Fastify({ logger: false });
  try {
    await probe.register(helmet, { ...options, global: true });
    // Helmet writes on the raw response in onRequest; nothing else has set a header yet.
    probe.get('/', (_request, reply) => reply.send(reply.raw.getHeaders()));
    const res = await probe.inject('/');
    const headers = res.json<Record<string, HeaderValue>>();
    if (Object.keys(headers).length === 0) throw new Error('@fastify/helmet set no header');
    return Object.freeze(Object.entries(headers).map(([name, value]) => Object.freeze([name, value] as const)));
  } finally {
    await probe.close();
  }
}

/**
 * Security headers on every response of `app` (and its children), as
 * `app.register(helmet, { global: true, ...options })` sets them (on the raw
 * response, at onRequest, so routes and upstream answers may override them),
 * computed once instead of per request.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions = {}): Promise<void> {
  const headers = await helmetHeaders(options);
  app.addHook('onRequest', function securityHeaders(_request, reply, done) {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    done();
  });
}
