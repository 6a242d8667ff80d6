/**
 * Spring flat keys: `a.b`, lists `a.list[0]`, map keys with dots in
 * brackets `a.[x.y]`. These helpers see the structure without guessing.
 */

export type Segment = { kind: 'key'; name: string } | { kind: 'index'; index: number };

/** `a.b[0].[x.y]` → key a, key b, index 0, key x.y. */
export function segmentsOf(key: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let current = '';
  const flush = () => {
    if (current !== '') out.push({ kind: 'key', name: current });
    current = '';
  };
  while (i < key.length) {
    const c = key.charAt(i);
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = key.indexOf(']', i);
      if (end < 0) {
        current = key.slice(i);
        break;
      }
      const inner = key.slice(i + 1, end);
      if (/^\d+$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else out.push({ kind: 'key', name: inner });
      i = end + 1;
    } else {
      current += c;
      i++;
    }
  }
  flush();
  return out;
}

/** The structural parents of a key: `a.b[0].c` → `a`, `a.b`, `a.b[0]`. */
export function parentsOf(key: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '[') {
      if (depth === 0 && i > 0 && key[i - 1] !== '.') out.push(key.slice(0, i));
      depth++;
    } else if (c === ']') {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && i < key.length - 1) out.push(key.slice(0, i + 1));
    } else if (c === '.' && depth === 0 && i > 0 && key[i - 1] !== ']') out.push(key.slice(0, i));
  }
  return out;
}

/** The lists a key is an element of: `a.b[0].c[1]` → `a.b`, `a.b[0].c`. */
export function listsOf(key: string): string[] {
  const out: string[] = [];
  const re = /\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null) out.push(key.slice(0, m.index));
  return out;
}
