/**
 * Finds the first key starting with `$` anywhere in a JSON value, or in a
 * query-string key (`price[$ne]`). Such keys are how MongoDB operator
 * injection arrives (`{"name": {"$ne": ""}}`), and no field of ours starts
 * with `$`, so they are refused before validation rather than stripped.
 */
export function findOperatorKey(value: unknown, depth = 0): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findOperatorKey(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('[$') || key.includes('.$')) return key;
    const found = findOperatorKey(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
