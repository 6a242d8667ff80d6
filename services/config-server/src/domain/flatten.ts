/**
 * Nested YAML → the flat keys Spring serves, exactly as Spring's
 * YamlProcessor builds them: `a.b.c`, lists as `a.list[0]`, `[x]` keys
 * appended without a dot, null → "", an empty list → "", an empty map → no key.
 */
export type Flat = Record<string, unknown>;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

export function flattenYaml(doc: Record<string, unknown>): Flat {
  const out: Flat = {};
  walk(doc, '', out);
  return out;
}

function join(path: string, key: string): string {
  if (!path) return key;
  return key.startsWith('[') ? `${path}${key}` : `${path}.${key}`;
}

function walk(map: Record<string, unknown>, path: string, out: Flat): void {
  for (const [k, value] of Object.entries(map)) put(join(path, k), value, out);
}

function put(key: string, value: unknown, out: Flat): void {
  if (isMap(value)) walk(value, key, out);
  else if (Array.isArray(value)) {
    if (value.length === 0) out[key] = '';
    else value.forEach((item, i) => put(`${key}[${i}]`, item, out));
  } else out[key] = scalar(value);
}

function scalar(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
