import type { Flat } from './flatten.js';

/**
 * Resolves `${key}` and `${key:default}` in string values against the merged
 * properties themselves, nested placeholders included, as Spring does for the
 * .yml/.properties/.json renderings. Unresolvable placeholders are left as
 * they are (Spring's non-strict resolution); a cycle is left unresolved too.
 */
export function resolvePlaceholders(flat: Flat): Flat {
  const out: Flat = {};
  const resolving = new Set<string>();
  const lookup = (key: string): string | undefined => {
    const value = flat[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return String(value);
    if (resolving.has(key)) throw new PlaceholderCycle();
    resolving.add(key);
    try {
      return resolveString(value, lookup);
    } finally {
      resolving.delete(key);
    }
  };
  for (const [key, value] of Object.entries(flat)) {
    if (typeof value !== 'string') out[key] = value;
    else {
      try {
        out[key] = lookup(key) ?? value;
      } catch (err) {
        if (!(err instanceof PlaceholderCycle)) throw err;
        out[key] = value;
      }
    }
  }
  return out;
}

class PlaceholderCycle extends Error {}

/** The index of the `}` closing the placeholder opened at `start` (`${`), or -1. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The first `:` outside nested placeholders. */
function separator(inner: string): number {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner.startsWith('${', i)) {
      depth++;
      i++;
    } else if (inner[i] === '}') depth--;
    else if (inner[i] === ':' && depth === 0) return i;
  }
  return -1;
}

export function resolveString(text: string, lookup: (key: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = closingBrace(text, start);
    if (end < 0) break;
    out += text.slice(i, start);
    const inner = text.slice(start + 2, end);
    const sep = separator(inner);
    const key = resolveString(sep < 0 ? inner : inner.slice(0, sep), lookup);
    const found = lookup(key);
    if (found !== undefined) out += found;
    else if (sep >= 0) out += resolveString(inner.slice(sep + 1), lookup);
    else out += text.slice(start, end + 1);
    i = end + 1;
  }
  return out + text.slice(i);
}
