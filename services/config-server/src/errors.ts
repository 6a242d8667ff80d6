import { defineProblem } from '@nimbus/kit';

// config-server's error codes. Codes are public API: never rename one.

/** The label is not a branch, tag or commit of the repository (after a fetch). */
export const LABEL_NOT_FOUND = defineProblem('LABEL_NOT_FOUND', 404, 'No such label');
/** The label has characters no branch, tag or commit id can have. */
export const LABEL_INVALID = defineProblem('LABEL_INVALID', 400, 'The label is not a valid branch, tag or commit id');
/** A `{vault}` or `{cipher}` value could not be resolved; the detail names the property, never the secret. */
export const SECRET_UNRESOLVED = defineProblem('SECRET_UNRESOLVED', 500, 'A secret referenced by the configuration could not be resolved');
/** Vault did not answer (down, sealed, refused the token): retry later. */
export const SECRET_STORE_UNAVAILABLE = defineProblem('SECRET_STORE_UNAVAILABLE', 502, 'The secret store is unavailable', { retryable: true });
/** A file served at an explicit label does not parse (the default label only ever serves validated commits). */
export const CONFIG_FILE_INVALID = defineProblem('CONFIG_FILE_INVALID', 500, 'A configuration file in the repository is not valid');
/** The default label has no commit that passed validation yet. */
export const NO_VALID_COMMIT = defineProblem('NO_VALID_COMMIT', 503, 'No valid configuration commit is available', { retryable: true });
/** The repository could not be cloned or read. */
export const REPOSITORY_UNAVAILABLE = defineProblem('REPOSITORY_UNAVAILABLE', 503, 'The configuration repository is unavailable', { retryable: true });
/** /encrypt or /decrypt while Vault transit is disabled or unreachable. */
export const ENCRYPTION_UNAVAILABLE = defineProblem('ENCRYPTION_UNAVAILABLE', 503, 'Encryption is unavailable', { retryable: true });
/** /decrypt got something that is not a transit cipher text of our key. */
export const DECRYPTION_FAILED = defineProblem('DECRYPTION_FAILED', 400, 'The cipher text could not be decrypted');
/** /monitor got a body it does not recognise as a push webhook or `path=` form. */
export const WEBHOOK_INVALID = defineProblem('WEBHOOK_INVALID', 400, 'The webhook payload is not recognised');
