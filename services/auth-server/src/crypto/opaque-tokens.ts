import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, generated client secrets and
 * passwords): 256 random bits, base64url. Only their SHA-256 is stored:
 * with that much entropy a fast hash is enough, and lookup by hash stays an
 * index seek.
 */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
