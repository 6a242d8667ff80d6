import type { Flat } from '../flatten.js';
import { flatten } from '../flatten.js';

/** Spring Cloud Config's Environment, as GET /{application}/{profile}[/{label}] answers it. */
export interface Environment {
  name: string;
  profiles: string[];
  label: string | null;
  version: string | null;
  state: string | null;
  propertySources: Array<{ name: string; source: Record<string, unknown> }>;
}

export function isEnvironment(value: unknown): value is Environment {
  const v = value as Partial<Environment> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    Array.isArray(v.propertySources) &&
    v.propertySources.every((s) => typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.source === 'object' && s.source !== null)
  );
}

/** The lists a Spring key is an element of: `a.b[0].c[1]` → `a.b`, `a.b[0].c`. */
function listsOf(key: string): string[] {
  const out: string[] = [];
  for (const m of key.matchAll(/\[(\d+)\]/g)) out.push(key.slice(0, m.index));
  return out;
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']; `[x.y]` keeps the dots of a bracketed map key. */
function segments(key: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of key.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

/**
 * Spring's merge: the first (highest) source with a key wins, and a list is
 * taken whole from the highest source holding any element of it.
 */
function merge(sources: ReadonlyArray<Record<string, unknown>>): Flat {
  const out: Flat = {};
  const claimed = new Set<string>();
  for (const source of sources) {
    const mine = new Set<string>();
    for (const [key, value] of Object.entries(source)) {
      if (Object.hasOwn(out, key)) continue;
      const lists = listsOf(key);
      if (lists.some((l) => claimed.has(l))) continue;
      out[key] = value;
      lists.forEach((l) => mine.add(l));
    }
    mine.forEach((l) => claimed.add(l));
  }
  return out;
}

/** Resolves `${key}` / `${key:default}` against the merged values; unresolvable ones stay as written. */
function resolvePlaceholders(flat: Flat): Flat {
  const active = new Set<string>();
  const lookup = (key: string): string | undefined => {
    const v = flat[key];
    if (v === undefined || active.has(key)) return undefined;
    if (typeof v !== 'string') return String(v);
    active.add(key);
    try {
      return resolve(v);
    } finally {
      active.delete(key);
    }
  };
  const resolve = (text: string): string =>
    text.replace(/\$\{([^${}:]+)(?::([^${}]*))?\}/g, (whole, key: string, fallback: string | undefined) => lookup(key.trim()) ?? fallback ?? whole);
  const out: Flat = {};
  for (const [k, v] of Object.entries(flat)) out[k] = typeof v === 'string' ? resolve(v) : v;
  return out;
}

type Node = Record<string | number, unknown>;

/** Flat Spring keys → nested objects and real arrays. */
function nest(flat: Flat): Record<string, unknown> {
  const root: Node = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = segments(key);
    let node: Node = root;
    let ok = path.length > 0;
    for (let i = 0; i < path.length - 1 && ok; i++) {
      const seg = path[i] ?? '';
      if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') ok = false;
      else {
        const wantArray = typeof path[i + 1] === 'number';
        const child = node[seg] ?? (wantArray ? [] : {});
        if (typeof child !== 'object' || child === null || Array.isArray(child) !== wantArray) ok = false;
        else node = (node[seg] = child) as Node;
      }
    }
    const last = path[path.length - 1];
    if (ok && last !== undefined && last !== '__proto__' && node[last] === undefined) node[last] = value;
  }
  const compact = (v: unknown): unknown =>
    Array.isArray(v) ? v.filter((x) => x !== undefined).map(compact) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)])) : v;
  return compact(root) as Record<string, unknown>;
}

/**
 * An Environment as the flat keys a ConfigStore takes: sources merged in
 * Spring's precedence, placeholders resolved, and Spring's `list[0]` keys
 * turned into real arrays (the kit's settings schemas declare arrays).
 */
export function environmentToFlat(env: Environment): Flat {
  return flatten(nest(resolvePlaceholders(merge(env.propertySources.map((s) => s.source)))));
}
