import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time string equality (hashing first, so lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** `Basic dXNlcjpwYXNz` → user and password, or undefined. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const encoded = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

type Headers = Record<string, string | string[] | undefined>;
const first = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Whether a webhook proves it knows the shared secret: GitHub and Bitbucket
 * (`X-Hub-Signature-256: sha256=<hmac>`), Gitea and Gogs (`X-Gitea-Signature`,
 * `X-Gogs-Signature`: hex HMAC-SHA256 of the body), GitLab and Gitee (the
 * secret itself in `X-Gitlab-Token` / `X-Gitee-Token`).
 */
export function webhookSignatureValid(headers: Headers, rawBody: Buffer, secret: string): boolean {
  if (!secret) return false;
  const hmac = createHmac('sha256', secret).update(rawBody).digest('hex');
  const hub = first(headers, 'x-hub-signature-256');
  if (hub && safeEqual(hub.toLowerCase(), `sha256=${hmac}`)) return true;
  for (const name of ['x-gitea-signature', 'x-gogs-signature']) {
    const sig = first(headers, name);
    if (sig && safeEqual(sig.toLowerCase(), hmac)) return true;
  }
  for (const name of ['x-gitlab-token', 'x-gitee-token']) {
    const token = first(headers, name);
    if (token && safeEqual(token, secret)) return true;
  }
  return false;
}
