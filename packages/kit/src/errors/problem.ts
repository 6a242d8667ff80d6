/**
 * RFC 9457 problem details. Every error the platform returns has this shape;
 * `code` is stable API that clients may switch on, `title` is a short human
 * summary of the code, `detail` explains this occurrence. Nothing secret ever
 * goes in `detail` or the extension members.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export interface ProblemOptions {
  detail?: string;
  /** Extension members added to the body (e.g. `errors` for validation). */
  extensions?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ProblemError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  /** Whether repeating the same call may succeed (dependency down, timeout, conflict). */
  readonly retryable: boolean;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, title: string, retryable: boolean, opts: ProblemOptions = {}) {
    super(opts.detail ? `${title}: ${opts.detail}` : title, { cause: opts.cause });
    this.name = 'ProblemError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.retryable = retryable;
    this.detail = opts.detail;
    this.extensions = opts.extensions ?? {};
    this.headers = opts.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(instance !== undefined && { instance }),
      ...this.extensions,
    };
  }
}

/** A documentation URI per code; stable, so clients can also key on `type`. */
export function problemType(code: string): string {
  return `https://nimbus.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export interface ProblemFactory {
  (opts?: ProblemOptions | string): ProblemError;
  readonly code: string;
  readonly status: number;
}

/**
 * Declares one entry of an error catalogue, in the style of fastify's
 * `createError`: `export const ORDER_NOT_FOUND = defineProblem('ORDER_NOT_FOUND', 404, 'Order not found')`,
 * then `throw ORDER_NOT_FOUND('order 42')`.
 */
export function defineProblem(code: string, status: number, title: string, opts: { retryable?: boolean } = {}): ProblemFactory {
  const factory = (o?: ProblemOptions | string) =>
    new ProblemError(code, status, title, opts.retryable ?? false, typeof o === 'string' ? { detail: o } : o);
  return Object.assign(factory, { code, status });
}

export function isProblemError(err: unknown): err is ProblemError {
  return err instanceof ProblemError;
}
