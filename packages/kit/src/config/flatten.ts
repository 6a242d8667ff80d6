/** Flat dotted keys ↔ nested objects, the two shapes configuration arrives in. */

export type Flat = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ a: { b: 1 } }` → `{ 'a.b': 1 }`. Arrays are values, as in Spring's Environment JSON. */
export function flatten(obj: Record<string, unknown>, prefix = '', out: Flat = {}): Flat {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** `routes[0].id` → ['routes', 0, 'id']: Spring's list notation, which the config server serves. */
function segments(key: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * `{ 'a.b': 1, 'l[0].x': 2 }` → `{ a: { b: 1 }, l: [{ x: 2 }] }`; later keys win
 * over earlier ones. Indexed keys build arrays, so lists served flat by the
 * config server come back as lists.
 */
export function unflatten(flat: Flat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = segments(key);
    if (path.some((p) => typeof p === 'string' && UNSAFE.has(p))) continue;
    let node: Record<string | number, unknown> = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value;
        return;
      }
      const wantArray = typeof path[i + 1] === 'number';
      const next = node[part];
      if (wantArray ? !Array.isArray(next) : !isPlainObject(next)) node[part] = wantArray ? [] : {};
      node = node[part] as Record<string | number, unknown>;
    });
  }
  return out;
}

/** Deep freeze, so settings handed to parts cannot drift after validation. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
