import type { Flat } from './flatten.js';
import { listsOf, parentsOf, segmentsOf, type Segment } from './keys.js';

/**
 * Merges property sources, highest precedence first, into one flat map the
 * way Spring Boot binds them: a key takes its highest value, and a list is
 * taken whole from the highest source that has any element of it (lists
 * replace, they never interleave). A key that would contradict the shape a
 * higher source gave (a scalar over a map or the reverse) is dropped.
 */
export function mergeSources(sources: readonly Flat[]): Flat {
  const out: Flat = {};
  const parents = new Set<string>();
  const claimedLists = new Set<string>();
  for (const source of sources) {
    const mine = new Set<string>();
    for (const [key, value] of Object.entries(source)) {
      if (Object.hasOwn(out, key) || parents.has(key)) continue;
      const lists = listsOf(key);
      if (lists.some((l) => claimedLists.has(l))) continue;
      const keyParents = parentsOf(key);
      if (keyParents.some((p) => Object.hasOwn(out, p))) continue;
      out[key] = value;
      for (const p of keyParents) parents.add(p);
      for (const l of lists) mine.add(l);
    }
    // Claimed after the source, so one source's own elements all get in.
    for (const l of mine) claimedLists.add(l);
  }
  return out;
}

type Node = Record<string, unknown> | unknown[];

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Flat keys → nested maps and arrays (for YAML/JSON rendering and schema validation). */
export function toNested(flat: Flat): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(flat)) {
    const segments = segmentsOf(key);
    let node: Node = root;
    let ok = true;
    for (let i = 0; i < segments.length - 1 && ok; i++) {
      const seg = segments[i] as Segment;
      const nextIsIndex = segments[i + 1]?.kind === 'index';
      const slot = seg.kind === 'index' ? seg.index : seg.name;
      if (Array.isArray(node) !== (seg.kind === 'index')) ok = false;
      else {
        let child: unknown = (node as Record<string | number, unknown>)[slot];
        if (child === undefined) {
          child = nextIsIndex ? [] : Object.create(null);
          (node as Record<string | number, unknown>)[slot] = child;
        }
        if (!isNode(child) || Array.isArray(child) !== nextIsIndex) ok = false;
        else node = child;
      }
    }
    const last = segments[segments.length - 1];
    if (!ok || !last || Array.isArray(node) !== (last.kind === 'index')) continue;
    const slot = last.kind === 'index' ? last.index : last.name;
    if ((node as Record<string | number, unknown>)[slot] === undefined) (node as Record<string | number, unknown>)[slot] = value;
  }
  return compact(root) as Record<string, unknown>;
}

/** Drops holes left by sparse indexes and gives objects a normal prototype. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (isNode(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}
