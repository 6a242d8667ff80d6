import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { silentLogger, type ConfigSource, type Flat } from '@nimbus/kit';
import { buildApp } from '../../src/app.js';

export const CONSUL_URL = process.env['CONSUL_URL'] ?? 'http://127.0.0.1:8500';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const ISSUER = 'https://issuer.gateway.test';

export const unique = (name: string) => `gwtest-${name}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** A configuration source the test changes between `ctx.config.refresh()` calls. */
export function mutableSource(values: Flat): ConfigSource & { set(key: string, value: unknown): void } {
  const current = { ...values };
  return {
    name: 'test (mutable)',
    // A deep copy per load: the store freezes what it validated.
    load: () => Promise.resolve(structuredClone(current)),
    set: (key, value) => void (current[key] = value),
  };
}

export interface Upstream {
  name: string;
  label: string;
  app: FastifyInstance;
  port: number;
  /** Status the next responses use (200 by default). */
  status: number;
  hits: number;
  stop(): Promise<void>;
}

/** A real upstream on 127.0.0.1:0 answering with what it received and which instance it is. */
export async function startUpstream(name: string, label: string): Promise<Upstream> {
  const app = Fastify();
  const up: Upstream = { name, label, app, port: 0, status: 200, hits: 0, stop: async () => {
    app.server.closeAllConnections();
    await app.close();
  } };
  app.all('/*', async (request, reply) => {
    up.hits += 1;
    const delay = Number(request.headers['x-test-delay-ms'] ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return reply.code(up.status).send({ instance: label, method: request.method, url: request.url, headers: request.headers, body: request.body ?? null });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  up.port = typeof addr === 'object' && addr ? addr.port : 0;
  return up;
}

/** Registers an instance in the live Consul agent (no check: listed as passing). Returns a deregister function. */
export async function registerInConsul(up: Pick<Upstream, 'name' | 'label' | 'port'>): Promise<() => Promise<void>> {
  const id = `${up.name}-${up.label}-${up.port}`;
  const res = await fetch(`${CONSUL_URL}/v1/agent/service/register`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ID: id, Name: up.name, Address: '127.0.0.1', Port: up.port, Tags: ['gateway-test'] }),
  });
  if (!res.ok) throw new Error(`consul register ${id}: ${res.status} ${await res.text()}`);
  return async () => void (await fetch(`${CONSUL_URL}/v1/agent/service/deregister/${encodeURIComponent(id)}`, { method: 'PUT' }));
}

/** An ES256 issuer of our own, its public key served as a JWKS on port 0. */
export interface TestIssuer {
  jwksUrl: string;
  sign(claims: Record<string, unknown>, opts?: { typ?: string; expiresIn?: string | number; audience?: string; issuer?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'ES256', use: 'sig' };
  const app = Fastify();
  app.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    jwksUrl: `${url}/.well-known/jwks.json`,
    sign: (claims, opts = {}) => signWith(privateKey, 'test-1', claims, opts),
    stop: () => app.close(),
  };
}

export function signWith(key: CryptoKey, kid: string, claims: Record<string, unknown>, opts: { typ?: string; expiresIn?: string | number; audience?: string; issuer?: string } = {}): Promise<string> {
  return new SignJWT({ scope: 'read write', roles: [], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, typ: opts.typ ?? 'at+jwt' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? 'nimbus')
    .setSubject(typeof claims['sub'] === 'string' ? claims['sub'] : 'user-1')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
    .sign(key);
}

/** The gateway against live Consul, with the given extra settings in a source the test can change. */
export async function startGateway(values: Flat) {
  const source = mutableSource({
    'discovery.consul.url': CONSUL_URL,
    'discovery.registration.enabled': false,
    'logging.accessLog.enabled': false,
    ...values,
  });
  const built = await buildApp({ vault: false, configServer: false, env: {}, logger: silentLogger, sources: [source] });
  return { ...built, source };
}
