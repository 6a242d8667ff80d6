import { describe, expect, it } from 'vitest';
import { IssuerUrl } from '../src/issuer-url.js';

describe('IssuerUrl', () => {
  it('uses the configured issuer without a trailing slash', () => {
    expect(new IssuerUrl('https://auth.example.com/').get()).toBe('https://auth.example.com');
  });

  it('refuses an issuer with a query, fragment or credentials', () => {
    for (const bad of ['https://a.example/?x=1', 'https://a.example/#f', 'https://u:p@a.example', 'ftp://a.example', 'not a url']) {
      expect(() => new IssuerUrl(bad), bad).toThrow(/auth.issuer/);
    }
  });

  it('when empty, is unknown until the server binds, then is the bound loopback address', () => {
    const issuer = new IssuerUrl('');
    expect(() => issuer.get()).toThrow(expect.objectContaining({ code: 'ISSUER_UNRESOLVED' }));
    issuer.resolve({ address: '127.0.0.1', family: 'IPv4', port: 41234 });
    expect(issuer.get()).toBe('http://127.0.0.1:41234');
  });

  it('never lets the bound address override a configured issuer', () => {
    const issuer = new IssuerUrl('https://auth.example.com');
    issuer.resolve({ address: '127.0.0.1', family: 'IPv4', port: 1 });
    expect(issuer.get()).toBe('https://auth.example.com');
  });
});
