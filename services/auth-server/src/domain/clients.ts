import { parseScope } from './scopes.js';

export const GRANT_TYPES = ['password', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const isGrantType = (value: string): value is GrantType => (GRANT_TYPES as readonly string[]).includes(value);

/** A client as the rest of the service sees it (no secret material). */
export interface OAuthClient {
  id: string;
  grants: GrantType[];
  scopes: string[];
  public: boolean;
}

export interface ClientDefinitionInput {
  grants: string;
  scopes?: string;
  public?: boolean;
}

/**
 * Checks one configured client; returns the problems found (empty: valid).
 * Public clients cannot authenticate, so they get no client_credentials.
 */
export function clientProblems(id: string, def: ClientDefinitionInput): string[] {
  const problems: string[] = [];
  const grants = def.grants.split(' ').filter(Boolean);
  if (grants.length === 0) problems.push(`auth.clients.${id}.grants: at least one grant type is needed`);
  for (const g of grants) if (!isGrantType(g)) problems.push(`auth.clients.${id}.grants: unknown grant type "${g}" (known: ${GRANT_TYPES.join(', ')})`);
  if (def.public && grants.includes('client_credentials')) problems.push(`auth.clients.${id}: a public client cannot use client_credentials`);
  if (grants.includes('refresh_token') && !grants.includes('password')) problems.push(`auth.clients.${id}: refresh_token needs a grant that issues refresh tokens (password)`);
  if (parseScope(def.scopes ?? '') === undefined) problems.push(`auth.clients.${id}.scopes: malformed scope string`);
  return problems;
}

export function toClient(id: string, def: ClientDefinitionInput): OAuthClient {
  return {
    id,
    grants: def.grants.split(' ').filter(isGrantType),
    scopes: parseScope(def.scopes ?? '') ?? [],
    public: def.public ?? false,
  };
}
