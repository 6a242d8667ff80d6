import { describe, expect, it } from 'vitest';
import { redact, redactString, REDACTED } from '../../src/logging/redact.js';

describe('redact', () => {
  it('replaces authorization, cookie and set-cookie headers without touching the original object', () => {
    const headers = { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', 'set-cookie': ['a=1', 'b=2'], accept: 'application/json' };
    const out = redact({ headers });
    expect(out.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED, accept: 'application/json' });
    expect(headers.authorization).toBe('Bearer abc.def.ghi');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('redacts secret-named fields at any depth and in any case', () => {
    const out = redact({
      password: 'p',
      db: { Password: 'p', nested: [{ client_secret: 's', clientSecret: 's' }] },
      oauth: { access_token: 't', refresh_token: 't', ID_TOKEN: 't' },
      apiKey: 'k',
      'x-api-key': 'k',
      Secret: { value: 'v' },
    });
    expect(out).toEqual({
      password: REDACTED,
      db: { Password: REDACTED, nested: [{ client_secret: REDACTED, clientSecret: REDACTED }] },
      oauth: { access_token: REDACTED, refresh_token: REDACTED, ID_TOKEN: REDACTED },
      apiKey: REDACTED,
      'x-api-key': REDACTED,
      Secret: REDACTED,
    });
  });

  it('keeps numbers and booleans under secret-looking names (a password is never a number)', () => {
    expect(redact({ requestedTokens: 3, tokenValid: true, password: '' })).toEqual({ requestedTokens: 3, tokenValid: true, password: '' });
  });

  it('cuts cycles and very deep nesting instead of walking forever', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    let deep: Record<string, unknown> = { password: 'x' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const out = redact({ a, deep }) as { a: Record<string, unknown> };
    expect(out.a['self']).toBe('[Circular]');
    expect(JSON.stringify(out)).not.toContain('"x"');
  });

  it('redacts what a URL or other object would serialize to', () => {
    expect(redact({ target: new URL('https://u:pw@example.com/cb?access_token=abc') })).toEqual({
      target: `https://u:${REDACTED}@example.com/cb?access_token=${REDACTED}`,
    });
  });
});

describe('redactString', () => {
  it.each([
    ['calling with Authorization: Bearer eyAbc123.def-456_ghi', `calling with Authorization: Bearer ${REDACTED}`],
    ['header was Basic dXNlcjpwYXNzd29yZA==', `header was Basic ${REDACTED}`],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl rejected', `jwt ${REDACTED} rejected`],
    ['connecting to mysql://nimbus:s3cret@db:3306/orders', `connecting to mysql://nimbus:${REDACTED}@db:3306/orders`],
    ['GET /cb?code=1&access_token=abc123&state=x', `GET /cb?code=1&access_token=${REDACTED}&state=x`],
    ['body {"client_secret":"shh","grant_type":"client_credentials"}', `body {"client_secret":"${REDACTED}","grant_type":"client_credentials"}`],
    ['Server=db;User Id=sa;Password=hunter2;', `Server=db;User Id=sa;Password=${REDACTED};`],
  ])('scrubs %j', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each(['Basic authentication failed for user alice', 'GET /orders/42 200', 'token bucket refilled', 'https://example.com/a/b?page=2'])(
    'leaves ordinary text alone: %j',
    (text) => {
      expect(redactString(text)).toBe(text);
    },
  );
});
