import { docs } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import { CIPHER_PREFIX } from '../domain/secret-refs.js';
import { DECRYPTION_FAILED, ENCRYPTION_UNAVAILABLE } from '../errors.js';
import { TransitError, type VaultTransit } from '../secrets/transit.js';

/** Spring's /encrypt and /decrypt take the text as the raw body; curl -d sends it form-encoded with a trailing `=`. */
function bodyText(body: unknown, contentType: string | undefined): string {
  let text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    text = decodeURIComponent(text.replace(/\+/g, ' '));
    if (text.endsWith('=')) text = text.slice(0, -1);
  }
  return text.trim();
}

/**
 * POST /encrypt, POST /decrypt, GET /encrypt/status, backed by Vault transit
 * (the key stays in Vault). Put `{cipher}<output of /encrypt>` in git.
 */
export async function cryptoRoutes(app: FastifyInstance, transit: VaultTransit | undefined): Promise<void> {
  const need = () => {
    if (!transit) throw ENCRYPTION_UNAVAILABLE('encryption is disabled or Vault transit could not be set up (see encrypt.* settings and the start-up log)');
    return transit;
  };
  const wrap = async (fn: () => Promise<string>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TransitError && err.kind === 'rejected') throw DECRYPTION_FAILED(err.message);
      throw ENCRYPTION_UNAVAILABLE({ detail: (err as Error).message, cause: err });
    }
  };
  const text = { 200: { type: 'string' }, 400: { $ref: 'Problem#' }, 401: { $ref: 'Problem#' }, 503: { $ref: 'Problem#' } };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

    scope.post('/encrypt', { schema: { ...docs('Encrypt the body with the transit key; put {cipher}<answer> in git', 'encryption'), response: text } }, async function encrypt(request, reply) {
      const t = need();
      const plain = bodyText(request.body, request.headers['content-type']);
      return reply.type('text/plain; charset=utf-8').send(await wrap(() => t.encrypt(plain)));
    });

    scope.post('/decrypt', { schema: { ...docs('Decrypt a cipher text made by /encrypt', 'encryption'), response: text } }, async function decrypt(request, reply) {
      const t = need();
      let cipher = bodyText(request.body, request.headers['content-type']);
      if (cipher.startsWith(CIPHER_PREFIX)) cipher = cipher.slice(CIPHER_PREFIX.length);
      return reply.type('text/plain; charset=utf-8').send(await wrap(() => t.decrypt(cipher)));
    });
  });

  app.get('/encrypt/status', { schema: { ...docs('Whether encryption works (Spring: {"status":"OK"})', 'encryption') } }, async function status() {
    const t = need();
    const details = await wrap(async () => JSON.stringify(await t.status()));
    return { status: 'OK', ...(JSON.parse(details) as Record<string, unknown>) };
  });
}
