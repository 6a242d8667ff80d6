import type { RouteSettings } from '../settings.js';

export interface RouteMatch {
  route: RouteSettings;
  /** Path (and query) to request from the upstream, after StripPrefix and PrefixPath. */
  upstreamPath: string;
}

/** Longest prefix first, so `/api/auth/admin` can override `/api/auth`. Stable for equal lengths. */
export function orderRoutes(routes: readonly RouteSettings[]): RouteSettings[] {
  return [...routes].sort((a, b) => trimSlash(b.path).length - trimSlash(a.path).length);
}

const trimSlash = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** Whether `path` is `prefix` itself or below it on a segment boundary (`/api/products` ≠ `/api/productsX`). */
export function matchesPrefix(prefix: string, path: string): boolean {
  const p = trimSlash(prefix);
  if (p === '/') return true;
  return path.startsWith(p) && (path.length === p.length || path.charCodeAt(p.length) === 47 /* / */);
}

/** Removes `n` leading segments: `/api/products/1` with 1 → `/products/1`. */
export function stripSegments(path: string, n: number): string {
  let at = 0; // the slash before the next segment
  for (let i = 0; i < n; i++) {
    at = path.indexOf('/', at + 1);
    if (at < 0) return '/';
  }
  return at === 0 ? path : path.slice(at);
}

export function rewritePath(route: RouteSettings, path: string): string {
  const stripped = stripSegments(path, route.stripPrefix);
  if (!route.prefixPath) return stripped;
  const prefix = trimSlash(route.prefixPath);
  return stripped === '/' ? prefix : `${prefix}${stripped}`;
}

/**
 * Finds the route for a request URL among routes already ordered by
 * `orderRoutes`. Dot segments are refused (undefined) rather than
 * normalised, so `/api/products/../orders` cannot reach another route's
 * upstream past its rules.
 */
export function matchRoute(ordered: readonly RouteSettings[], url: string): RouteMatch | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  if (hasDotSegment(path)) return undefined;
  const route = ordered.find((r) => matchesPrefix(r.path, path));
  if (!route) return undefined;
  return { route, upstreamPath: rewritePath(route, path) + query };
}

function hasDotSegment(path: string): boolean {
  // Without `%` decoding changes nothing, so without `.` or `\\` there is nothing to find.
  if (!path.includes('%') && !path.includes('.') && !path.includes('\\')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.split('/').some((s) => s === '.' || s === '..') || decoded.includes('\\');
}
