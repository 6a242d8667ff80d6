/** The roles a user can hold. `roles` in access tokens carries them. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Role sets are stored and compared sorted and without duplicates. */
export const normaliseRoles = (roles: readonly Role[]): Role[] => [...new Set(roles)].sort();

/**
 * Whether a role change is allowed: the platform must keep at least one
 * active admin, or nobody could ever manage roles again.
 */
export function wouldRemoveLastAdmin(current: readonly Role[], next: readonly Role[], otherActiveAdmins: number): boolean {
  return current.includes('admin') && !next.includes('admin') && otherActiveAdmins === 0;
}
