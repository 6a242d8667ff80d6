import { describe, expect, it } from 'vitest';
import { decide, ruleFor, type Identity } from '../../src/auth/rules.js';
import { bearerToken } from '../../src/auth/verifier.js';
import { DEFAULT_ROUTES } from '../../src/settings.js';

const products = DEFAULT_ROUTES.find((r) => r.id === 'products')!;
const orders = DEFAULT_ROUTES.find((r) => r.id === 'orders')!;
const login = DEFAULT_ROUTES.find((r) => r.id === 'auth-api')!;
const user = (roles: string[] = [], scopes: string[] = []): Identity => ({ subject: 'u1', roles, scopes, clientId: 'c' });

describe('access rules', () => {
  it('lets anyone through a public route, token or not', () => {
    expect(decide(login, 'POST', undefined)).toEqual({ allow: true });
  });

  it('requires a token on authenticated routes (401)', () => {
    expect(decide(orders, 'GET', undefined)).toMatchObject({ allow: false, status: 401 });
    expect(decide(orders, 'POST', user())).toEqual({ allow: true });
  });

  it('lets any user read products but only admins write them (403 otherwise)', () => {
    expect(decide(products, 'GET', user())).toEqual({ allow: true });
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(decide(products, m, user(['customer']))).toMatchObject({ allow: false, status: 403 });
      expect(decide(products, m.toLowerCase(), user(['admin']))).toEqual({ allow: true });
    }
  });

  it('requires every listed scope and any listed role', () => {
    const route = { auth: 'authenticated' as const, rules: [{ methods: [], roles: ['a', 'b'], scopes: ['read', 'write'] }] };
    expect(decide(route, 'GET', user(['b'], ['read', 'write']))).toEqual({ allow: true });
    expect(decide(route, 'GET', user(['b'], ['read']))).toMatchObject({ allow: false, status: 403, reason: expect.stringContaining('write') as unknown });
    expect(decide(route, 'GET', user(['c'], ['read', 'write']))).toMatchObject({ allow: false, status: 403 });
  });

  it('applies the first rule whose methods match', () => {
    const rules = [
      { methods: ['GET' as const], roles: [], scopes: ['read'] },
      { methods: [], roles: ['admin'], scopes: [] },
    ];
    expect(ruleFor(rules, 'GET')).toBe(rules[0]);
    expect(ruleFor(rules, 'DELETE')).toBe(rules[1]);
  });

  it('reads only well-formed Bearer credentials', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
