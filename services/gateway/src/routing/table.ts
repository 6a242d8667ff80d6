import { orderRoutes } from './match.js';
import type { RouteSettings } from '../settings.js';

/** Why a route list cannot be served, or undefined when it can. */
export function routesProblem(routes: readonly RouteSettings[]): string | undefined {
  const ids = new Set<string>();
  for (const r of routes) {
    if (ids.has(r.id)) return `route id "${r.id}" is used twice; ids must be unique`;
    ids.add(r.id);
  }
  return undefined;
}

/**
 * The routes in force, replaced as a whole when configuration changes (like
 * Spring Cloud Gateway's RefreshRoutesEvent): a request matches against the
 * table it started with, and a list that cannot be served is refused, so the
 * previous one stays in force.
 */
export class RouteTable {
  #routes: readonly RouteSettings[];

  constructor(routes: readonly RouteSettings[]) {
    const problem = routesProblem(routes);
    if (problem) throw new Error(`gateway.routes: ${problem}`);
    this.#routes = Object.freeze(orderRoutes(routes));
  }

  /** Longest prefix first. */
  get current(): readonly RouteSettings[] {
    return this.#routes;
  }

  /** The services some route targets. */
  get services(): string[] {
    return [...new Set(this.#routes.map((r) => r.service))];
  }

  /** Puts `routes` in force, or answers why not (the table is then unchanged). */
  replace(routes: readonly RouteSettings[]): { ok: true } | { ok: false; problem: string } {
    const problem = routesProblem(routes);
    if (problem) return { ok: false, problem };
    this.#routes = Object.freeze(orderRoutes(routes));
    return { ok: true };
  }
}
