/**
 * Secret redaction applied to every log document (and to span attributes)
 * before anything is written or shipped. Two rules:
 *
 * 1. A field whose name looks secret (password, secret, token, api key,
 *    authorization, cookie; any case, any nesting, `-`/`_`/`.` ignored) has
 *    its string, object or array value replaced. Numbers and booleans stay
 *    (`requestedTokens: 3` is not a secret, and a password is never a number).
 * 2. Every string is scrubbed of credentials that hide in free text: bearer
 *    and basic credentials, JWTs, `user:password@` in URLs, and
 *    `password=…` / `"client_secret":"…"` / `?access_token=…` pairs.
 *
 * Values are never mutated: objects that need a change are copied, so a
 * logged `request.headers` stays intact for the app.
 */

export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY = /pass(?:word|wd|phrase)|secret|token|api[-_.]?key|authorization|cookie|private[-_.]?key/i;

/** Whether a field with this name holds a secret (`password`, `Set-Cookie`, `client_secret`, `x-api-key`…). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

// Cheap pre-check: most strings contain none of these and skip the replacements.
const MAYBE_SECRET = /bearer|basic|eyj|:\/\/|pass|pwd|secret|token|key/i;

const STRING_RULES: ReadonlyArray<[RegExp, string]> = [
  // Authorization header values quoted in messages. A Basic credential is
  // base64, so it must hold an upper-case letter, digit, + or / — which keeps
  // "Basic authentication failed" readable.
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${REDACTED}`],
  [/\b([Bb]asic)\s+(?=[a-z]*[A-Z0-9+/])[A-Za-z0-9+/]{8,}={0,2}/g, `$1 ${REDACTED}`],
  // A JWT anywhere (header.payload.signature, base64url).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // user:password@host in connection strings and URLs.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@/?#\s]+@/gi, `$1${REDACTED}@`],
  // name=value / name: value / "name":"value" for secret-looking names (query strings, connection strings, JSON text).
  [
    /\b((?:[a-z0-9]+[-_.])*(?:password|passwd|pwd|secret|token|api[-_]?key)["']?\s*[:=]\s*["']?)([^\s"'&;,}]+)/gi,
    `$1${REDACTED}`,
  ],
];

/** Scrubs credentials out of free text; returns the same string when there is nothing to hide. */
export function redactString(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of STRING_RULES) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 10;

/**
 * Returns `value` with secrets redacted, copying only what changes. Cycles and
 * nesting deeper than 10 levels are cut (`[Circular]`, `[Truncated]`) rather
 * than walked forever.
 */
export function redact<T>(value: T): T {
  return redactValue(value, 0, new WeakSet()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) {
    seen.add(value);
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = redactValue(item, depth + 1, seen);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    seen.delete(value);
    return copy ?? value;
  }
  if (!isPlainObject(value)) {
    // URL, Date, Buffer, class instances: redact what JSON would write.
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    return typeof toJSON === 'function' ? redactValue(toJSON.call(value), depth, seen) : value;
  }
  seen.add(value);
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = isSensitiveKey(key) && isSecretShaped(item) ? REDACTED : redactValue(item, depth + 1, seen);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  seen.delete(value);
  return copy ?? value;
}

function isSecretShaped(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Redacts the own string-keyed fields of a log record in place (the record
 * itself is the logger's; nested values are copied when they change). Symbol
 * keys (winston's LEVEL, MESSAGE, SPLAT) are left alone and never serialized.
 */
export function redactRecord(record: Record<string, unknown>): void {
  const seen = new WeakSet<object>([record]);
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = isSensitiveKey(key) && isSecretShaped(item) ? REDACTED : redactValue(item, 1, seen);
    if (next !== item) record[key] = next;
  }
}
