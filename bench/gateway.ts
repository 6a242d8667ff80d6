/**
 * Gateway overhead: requests/s and p99 latency for the same upstream called
 * directly, through the gateway without auth, and through the gateway
 * verifying an ES256 JWT on every request. Loopback only, bounded runs.
 *
 *   npx tsx bench/gateway.ts            (BENCH_SECONDS=5 BENCH_CONNECTIONS=50 by default)
 *
 * Three processes so no two share an event loop: the upstream (plain
 * node:http, child), the load generator (autocannon CLI, child), and this
 * process hosting both gateways (and a bare fastify + @fastify/reply-from
 * proxy, the floor any reply-from based gateway starts from). Discovery is static and rate limiting off:
 * this measures proxying, routing and token checks, not Consul or Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { silentLogger, type ConfigSource, type Flat } from '@nimbus/kit';
import { buildApp } from '../services/gateway/src/app.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const ISSUER = 'https://bench.issuer';
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

const UPSTREAM = `
const http = require('node:http');
const body = JSON.stringify({ id: 'p-1', name: 'Bench product', price: 12.5, tags: ['a', 'b'] });
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startUpstream(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (!child.stdout) throw new Error('upstream has no stdout');
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${chunk.toString().trim()}` };
}

interface Result {
  name: string;
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Result> {
  const args = [autocannonBin, '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS), ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  await once(child, 'exit');
  const r = JSON.parse(out) as { requests: { average: number }; latency: { p99: number; p50: number }; errors: number; non2xx: number };
  return { name, rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors, non2xx: r.non2xx };
}

/**
 * Like the kit's staticSource, but a deep copy per load: the store freezes
 * what it validated, and re-validating a frozen array of route objects
 * throws (kit staticSource hands out the same objects on every load).
 */
function freshSource(values: Flat): ConfigSource {
  return { name: 'bench', load: () => Promise.resolve(structuredClone(values)) };
}

async function startGateway(upstreamUrl: string, extra: Flat) {
  const built = await buildApp({
    vault: false,
    configServer: false,
    env: {},
    logger: silentLogger,
    sources: [
      freshSource({
        'server.host': '127.0.0.1',
        'discovery.mode': 'static',
        'discovery.static.services': { 'bench-upstream': [upstreamUrl] },
        'logging.accessLog.enabled': false,
        'gateway.rateLimit.enabled': false,
        ...extra,
      }),
    ],
  });
  const url = await built.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...built, url };
}

const upstream = await startUpstream();
process.once('exit', () => upstream.child.kill());
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwks = Fastify();
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
jwks.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
const jwksUrl = `${await jwks.listen({ host: '127.0.0.1', port: 0 })}/.well-known/jwks.json`;
const token = await new SignJWT({ roles: ['customer'], scope: 'read' })
  .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
  .setIssuer(ISSUER)
  .setAudience('nimbus')
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(privateKey);

// The floor: fastify + reply-from and nothing else (no kit, no routing, auth, breaker or limits).
const bare = Fastify();
await bare.register(replyFrom, { base: upstream.url, disableRequestLogging: true, undici: { connections: 128 } });
bare.get('/*', (request, reply) => reply.from(request.url));
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

const open = await startGateway(upstream.url, { 'gateway.routes': [{ id: 'bench', path: '/api/products', service: 'bench-upstream', auth: 'public' }] });
const secured = await startGateway(upstream.url, {
  'gateway.routes': [{ id: 'bench', path: '/api/products', service: 'bench-upstream', auth: 'authenticated' }],
  'gateway.auth.jwksUrl': jwksUrl,
  'gateway.auth.issuer': ISSUER,
});

try {
  // Sanity: every path answers 200 before anything is measured.
  for (const [url, headers] of [[`${upstream.url}/api/products/1`, {}], [`${open.url}/api/products/1`, {}], [`${secured.url}/api/products/1`, { authorization: `Bearer ${token}` }]] as const) {
    const res = await fetch(url, { headers });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  }
  await load('warm-up', `${secured.url}/api/products/1`, { authorization: `Bearer ${token}` });
  const results = [
    await load('direct to service', `${upstream.url}/api/products/1`),
    await load('bare fastify + reply-from', `${bareUrl}/api/products/1`),
    await load('gateway, no auth', `${open.url}/api/products/1`),
    await load('gateway, JWT (ES256)', `${secured.url}/api/products/1`, { authorization: `Bearer ${token}` }),
  ];
  const [direct] = results;
  if (!direct) throw new Error('no results');
  const { loadavg, cpus } = await import('node:os');
  console.log(`\n${SECONDS}s each, ${CONNECTIONS} connections, loopback, Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log('| target | req/s | p50 ms | p99 ms | req/s vs direct | p99 vs direct | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${(r.rps / direct.rps).toFixed(2)}x | ${(r.p99 / Math.max(direct.p99, 1)).toFixed(2)}x | ${r.errors} | ${r.non2xx} |`);
  }
} finally {
  await Promise.all([open.stop(), secured.stop(), jwks.close(), bare.close()]);
  upstream.child.kill();
}
