/**
 * OAuth 2.0 errors (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1). The
 * /oauth2 endpoints and /userinfo answer with this JSON shape instead of
 * problem+json because OAuth client libraries parse exactly `error` and
 * `error_description`.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error'
  | 'temporarily_unavailable';

const STATUS: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(error: OAuthErrorCode, description: string, opts: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(`${error}: ${description}`, { cause: opts.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.description = description;
    this.status = STATUS[error] ?? 400;
    this.headers = opts.headers ?? {};
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const isOAuthError = (err: unknown): err is OAuthError => err instanceof OAuthError;
