import { describe, expect, it } from 'vitest';
import { grantScopes, parseScope } from '../../src/domain/scopes.js';

describe('scopes', () => {
  it('parses space-delimited scope tokens, dropping duplicates and extra spaces', () => {
    expect(parseScope('  a  b a ')).toEqual(['a', 'b']);
    expect(parseScope(undefined)).toEqual([]);
  });

  it('refuses characters RFC 6749 §3.3 does not allow in a scope token', () => {
    expect(parseScope('a "b"')).toBeUndefined();
    expect(parseScope('a\\b')).toBeUndefined();
    expect(parseScope('é')).toBeUndefined();
  });

  it("grants the client's full set when none is requested", () => {
    expect(grantScopes(undefined, ['x', 'y'])).toEqual({ ok: true, scopes: ['x', 'y'] });
    expect(grantScopes('', ['x'])).toEqual({ ok: true, scopes: ['x'] });
  });

  it('grants a requested subset and refuses anything beyond the allowed set', () => {
    expect(grantScopes('y', ['x', 'y'])).toEqual({ ok: true, scopes: ['y'] });
    expect(grantScopes('x admin', ['x'])).toEqual({ ok: false, reason: 'scope not allowed: admin' });
  });
});
