import { KitSettings, resolveSettings, undocumentedSettings } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { validateClientDefinitions } from '../src/oauth/seed-clients.js';
import { configuredClients, Settings } from '../src/settings.js';

const schema = Type.Composite([KitSettings, Settings]);

describe('auth-server settings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('resolves with nothing configured to the documented defaults', () => {
    const s = resolveSettings(schema, {});
    expect(s.auth).toMatchObject({ issuer: 'http://127.0.0.1:9000', audience: 'nimbus', accessTokenTtlSeconds: 300, signing: { algorithm: 'ES256' } });
    expect(configuredClients(s.auth)['order-service']).toEqual({ grants: 'client_credentials', scopes: 'inventory:write products:read', public: false });
  });

  it('ships default clients that pass validation, with a password-grant client for the JSON API', () => {
    const s = resolveSettings(schema, {});
    expect(() => validateClientDefinitions(configuredClients(s.auth), s.auth.apiClientId)).not.toThrow();
  });

  it('refuses a symmetric or unknown signing algorithm', () => {
    expect(() => resolveSettings(schema, { 'auth.signing.algorithm': 'HS256' })).toThrow(/auth.signing.algorithm/);
  });

  it('refuses a database name that could inject SQL', () => {
    expect(() => resolveSettings(schema, { 'mysql.database': 'x`; DROP DATABASE y; --' })).toThrow(/mysql.database/);
  });

  it('adds configured clients to the standard ones, or replaces them all when standardClients is off', () => {
    const flat = { 'auth.clients.cli.grants': 'password refresh_token', 'auth.apiClientId': 'cli' };
    expect(Object.keys(configuredClients(resolveSettings(schema, flat).auth))).toContain('gateway');
    const only = resolveSettings(schema, { ...flat, 'auth.standardClients': 'false' });
    expect(configuredClients(only.auth)).toEqual({ cli: { grants: 'password refresh_token' } });
    expect(() => validateClientDefinitions(configuredClients(only.auth), only.auth.apiClientId)).not.toThrow();
  });

  it('refuses to start when the JSON API client is missing or cannot log users in', () => {
    const s = resolveSettings(schema, { 'auth.apiClientId': 'order-service' });
    expect(() => validateClientDefinitions(configuredClients(s.auth), s.auth.apiClientId)).toThrow(/needs the password grant/);
  });
});
