/**
 * Secrets never live in git; a value points at one:
 *   `{vault}secret/order-service#db.password`  a KV v2 secret and key
 *   `{cipher}vault:v1:…`                      Spring's encrypted form, here a Vault transit cipher text
 * Only whole values are references (as in Spring).
 */
export type SecretRef =
  | { kind: 'vault'; path: string; key: string }
  | { kind: 'cipher'; cipherText: string }
  | { kind: 'malformed'; reason: string };

export const VAULT_PREFIX = '{vault}';
export const CIPHER_PREFIX = '{cipher}';

export function parseSecretRef(value: unknown): SecretRef | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith(VAULT_PREFIX)) {
    const rest = value.slice(VAULT_PREFIX.length).trim();
    const hash = rest.lastIndexOf('#');
    if (hash <= 0 || hash === rest.length - 1) return { kind: 'malformed', reason: 'a {vault} value must read {vault}<path>#<key>' };
    return { kind: 'vault', path: rest.slice(0, hash).replace(/^\/+|\/+$/g, ''), key: rest.slice(hash + 1) };
  }
  if (value.startsWith(CIPHER_PREFIX)) {
    const cipherText = value.slice(CIPHER_PREFIX.length).trim();
    if (cipherText === '') return { kind: 'malformed', reason: 'a {cipher} value has no cipher text' };
    return { kind: 'cipher', cipherText };
  }
  return undefined;
}

/** `secret/order-service` on KV mount `secret` → `order-service`; a path without the mount is taken as relative to it. */
export function kvPath(path: string, mount: string): string {
  return path.startsWith(`${mount}/`) ? path.slice(mount.length + 1) : path;
}
