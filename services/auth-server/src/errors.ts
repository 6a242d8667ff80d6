import { defineProblem } from '@nimbus/kit';

// auth-server's error codes (problem+json, everything outside /oauth2 and
// /userinfo). Codes are public API: never rename one. Nothing secret, and
// nothing that tells an attacker more than the code itself, goes in `detail`.

/** Registration with an email that already has an account. */
export const EMAIL_ALREADY_REGISTERED = defineProblem('EMAIL_ALREADY_REGISTERED', 409, 'An account with this email already exists');
/** The password does not meet the policy (length, not the email). */
export const PASSWORD_TOO_WEAK = defineProblem('PASSWORD_TOO_WEAK', 400, 'The password does not meet the password policy');
/** Unknown email or wrong password: deliberately the same answer for both. */
export const INVALID_CREDENTIALS = defineProblem('INVALID_CREDENTIALS', 401, 'Invalid email or password');
/** Too many failed logins; `Retry-After` says when to try again. The password is not checked while locked. */
export const ACCOUNT_LOCKED = defineProblem('ACCOUNT_LOCKED', 423, 'The account is temporarily locked after repeated failed logins', { retryable: true });
/** The account was disabled by an administrator. */
export const ACCOUNT_DISABLED = defineProblem('ACCOUNT_DISABLED', 403, 'The account is disabled');
/** Missing, malformed, expired, revoked or foreign bearer token. */
export const TOKEN_INVALID = defineProblem('TOKEN_INVALID', 401, 'The access token is missing, invalid, expired or revoked');
/** A valid token without the role the operation needs. */
export const ROLE_REQUIRED = defineProblem('ROLE_REQUIRED', 403, 'A role this operation requires is missing');
/** The token identifies a client (client_credentials), not a user. */
export const USER_TOKEN_REQUIRED = defineProblem('USER_TOKEN_REQUIRED', 403, 'This operation needs a user token, not a client token');
export const USER_NOT_FOUND = defineProblem('USER_NOT_FOUND', 404, 'No such user');
/** The change would leave the platform without any active admin. */
export const LAST_ADMIN = defineProblem('LAST_ADMIN', 409, 'The last active admin cannot lose the admin role');
/** No usable signing key (Vault unreachable for longer than the pre-publication window). */
export const SIGNING_KEY_UNAVAILABLE = defineProblem('SIGNING_KEY_UNAVAILABLE', 503, 'No signing key is available', { retryable: true });
/** The issuer is derived from the listening address and the server is not listening yet. */
export const ISSUER_UNRESOLVED = defineProblem('ISSUER_UNRESOLVED', 503, 'The issuer URL is not known yet', { retryable: true });
