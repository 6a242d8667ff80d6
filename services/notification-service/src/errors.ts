import { defineProblem } from '@nimbus/kit';

// notification-service error codes. Codes are public API: never rename one.

/** Retryable: the SMTP server refused or did not answer; the bus redelivers the event with backoff. */
export const EMAIL_SEND_FAILED = defineProblem('EMAIL_SEND_FAILED', 503, 'The email could not be handed to the SMTP server', { retryable: true });
/** Not retryable: the event names no recipient and notifications.defaultRecipient is empty. */
export const NO_RECIPIENT = defineProblem('NO_RECIPIENT', 422, 'The event names no recipient');
