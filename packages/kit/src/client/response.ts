import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Instance } from '../discovery/instance.js';
import { DEPENDENCY_BAD_RESPONSE } from './catalogue.js';

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A dependency's answer, read in full inside the attempt's timeout (so a
 * body that trickles in cannot outlive it). 2xx, 3xx and 4xx arrive here;
 * 5xx and transport failures become ProblemErrors.
 */
export class ServiceResponse {
  constructor(
    readonly target: string,
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: Buffer,
    /** The instance that answered. */
    readonly instance: Instance,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): string {
    return this.body.toString('utf8');
  }

  /**
   * The body parsed as JSON; undefined for an empty body (204). Without a
   * schema the type is the caller's assertion; with a TypeBox schema the
   * body is checked against it, so a dependency that changed its contract
   * fails here with DEPENDENCY_BAD_RESPONSE instead of deep in our code.
   */
  json<T = unknown>(): T;
  json<S extends TSchema>(schema: S): Static<S>;
  json(schema?: TSchema): unknown {
    if (this.body.length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(this.text());
    } catch (err) {
      throw DEPENDENCY_BAD_RESPONSE({ detail: `${this.target} answered ${this.status} with a body that is not JSON`, extensions: { dependency: this.target }, cause: err });
    }
    if (schema && !Value.Check(schema, value)) {
      const problems = [...Value.Errors(schema, value)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
      throw DEPENDENCY_BAD_RESPONSE({
        detail: `${this.target} answered ${this.status} with a body that does not match the expected schema (${problems.join('; ')})`,
        extensions: { dependency: this.target },
      });
    }
    return value;
  }
}
