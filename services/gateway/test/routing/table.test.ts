import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/routing/table.js';
import type { RouteSettings } from '../../src/settings.js';

const route = (id: string, path: string, service = 'svc'): RouteSettings => ({ id, path, service, stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'public', rules: [] });

describe('RouteTable', () => {
  it('serves the longest prefix first and lists the target services once', () => {
    const table = new RouteTable([route('auth', '/api/auth', 'auth'), route('admin', '/api/auth/admin', 'admin'), route('more', '/api/more', 'auth')]);
    expect(table.current.map((r) => r.id)).toEqual(['admin', 'auth', 'more']);
    expect(table.services.sort()).toEqual(['admin', 'auth']);
  });

  it('refuses to boot on duplicate route ids', () => {
    expect(() => new RouteTable([route('a', '/x'), route('a', '/y')])).toThrow(/used twice/);
  });

  it('replaces the routes as a whole, and refuses a list it cannot serve without changing the one in force', () => {
    const table = new RouteTable([route('a', '/a')]);
    expect(table.replace([route('b', '/b')])).toEqual({ ok: true });
    expect(table.current.map((r) => r.id)).toEqual(['b']);
    expect(table.replace([route('c', '/c'), route('c', '/d')])).toEqual({ ok: false, problem: expect.stringMatching(/"c" is used twice/) });
    expect(table.current.map((r) => r.id)).toEqual(['b']);
  });
});
