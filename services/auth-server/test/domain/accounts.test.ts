import { describe, expect, it } from 'vitest';
import { accountStatus, normaliseEmail, passwordProblem } from '../../src/domain/accounts.js';
import { wouldRemoveLastAdmin } from '../../src/domain/roles.js';
import { clientProblems, toClient } from '../../src/domain/clients.js';

const now = new Date('2025-01-01T00:00:00Z');

describe('accounts', () => {
  it('reports locked while the lock runs, active after, disabled regardless', () => {
    const lock = { failedLogins: 5, lockedUntil: new Date(now.getTime() + 1000) };
    expect(accountStatus('active', lock, now)).toBe('locked');
    expect(accountStatus('active', lock, new Date(now.getTime() + 1000))).toBe('active');
    expect(accountStatus('disabled', { failedLogins: 0, lockedUntil: null }, now)).toBe('disabled');
  });

  it('compares emails case-insensitively', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  });

  it('accepts long passphrases without composition rules and refuses short ones or the email itself', () => {
    expect(passwordProblem('correct horse battery', 'a@b.c', 12)).toBeUndefined();
    expect(passwordProblem('short', 'a@b.c', 12)).toBe('too_short');
    expect(passwordProblem('x'.repeat(129), 'a@b.c', 12)).toBe('too_long');
    expect(passwordProblem('Someone@Example.com', 'someone@example.com', 12)).toBe('same_as_email');
  });

  it('counts password length in code points, not UTF-16 units', () => {
    expect(passwordProblem('🔑'.repeat(6), 'a@b.c', 12)).toBe('too_short');
  });
});

describe('roles', () => {
  it('forbids removing admin from the last active admin only', () => {
    expect(wouldRemoveLastAdmin(['admin'], ['customer'], 0)).toBe(true);
    expect(wouldRemoveLastAdmin(['admin'], ['customer'], 1)).toBe(false);
    expect(wouldRemoveLastAdmin(['customer'], [], 0)).toBe(false);
    expect(wouldRemoveLastAdmin(['admin'], ['admin', 'customer'], 0)).toBe(false);
  });
});

describe('client definitions', () => {
  it('accepts a service client and parses grants and scopes', () => {
    const def = { grants: 'client_credentials', scopes: 'inventory:write products:read', public: false };
    expect(clientProblems('order-service', def)).toEqual([]);
    expect(toClient('order-service', def)).toEqual({ id: 'order-service', grants: ['client_credentials'], scopes: ['inventory:write', 'products:read'], public: false });
  });

  it('names every problem: unknown grants, public clients with client_credentials, refresh without a grant that issues it', () => {
    expect(clientProblems('x', { grants: 'implicit', scopes: '', public: false })[0]).toMatch(/unknown grant type "implicit"/);
    expect(clientProblems('x', { grants: 'client_credentials', scopes: '', public: true })[0]).toMatch(/public client cannot use client_credentials/);
    expect(clientProblems('x', { grants: 'refresh_token', scopes: '', public: false })[0]).toMatch(/refresh_token needs/);
    expect(clientProblems('x', { grants: '', scopes: '', public: false })[0]).toMatch(/at least one grant/);
  });
});
