import { describe, expect, it } from 'vitest';
import { backoffMs, upstreamHeaders } from '../../src/proxy/forward.js';

describe('upstream request headers', () => {
  const request = { ip: '10.0.0.9', protocol: 'http' as const, id: 'req-1' };

  it('drops client-sent identity headers and sets the verified ones, relaying Authorization', () => {
    const out = upstreamHeaders(request, { authorization: 'Bearer t', 'x-user-id': 'evil', 'x-user-roles': 'admin', host: 'gw' }, { subject: 'u1', roles: ['customer', 'x'], scopes: ['a', 'b'], clientId: undefined });
    expect(out).toMatchObject({ authorization: 'Bearer t', 'x-user-id': 'u1', 'x-user-roles': 'customer,x', 'x-user-scopes': 'a b', 'x-forwarded-for': '10.0.0.9', 'x-forwarded-host': 'gw', 'x-request-id': 'req-1' });
  });

  it('forwards the token\'s email claim as x-user-email, never a client-sent one', () => {
    const withEmail = upstreamHeaders(request, { 'x-user-email': 'evil@x' }, { subject: 'u1', roles: [], scopes: ['email'], clientId: 'web', email: 'u1@shop.test' });
    expect(withEmail['x-user-email']).toBe('u1@shop.test');
    const without = upstreamHeaders(request, { 'x-user-email': 'evil@x' }, { subject: 'svc', roles: [], scopes: [], clientId: 'svc' });
    expect(without['x-user-email']).toBeUndefined();
  });

  it('drops the caller\'s trace headers, which the gateway continues and re-injects itself', () => {
    const out = upstreamHeaders(request, { traceparent: '00-abc-def-01', tracestate: 'x=1', b3: '1-2-1', 'x-b3-traceid': '1' }, undefined);
    expect(Object.keys(out).filter((h) => h.includes('trace') || h.includes('b3'))).toEqual([]);
  });

  it('sends no identity for anonymous callers, even if the client claimed one', () => {
    const out = upstreamHeaders(request, { 'x-user-id': 'evil', 'x-user-scopes': 'all', 'x-forwarded-for': '1.2.3.4' }, undefined);
    expect(out['x-user-id']).toBeUndefined();
    expect(out['x-user-scopes']).toBeUndefined();
    expect(out['x-forwarded-for']).toBe('1.2.3.4, 10.0.0.9');
  });

  it('backs off exponentially within the cap', () => {
    for (let i = 0; i < 20; i++) {
      expect(backoffMs(1, 100, 1_000)).toBeGreaterThanOrEqual(50);
      expect(backoffMs(1, 100, 1_000)).toBeLessThanOrEqual(100);
      expect(backoffMs(10, 100, 1_000)).toBeLessThanOrEqual(1_000);
    }
  });
});
