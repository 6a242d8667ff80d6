import { describe, expect, it } from 'vitest';
import { presentedClient } from '../../src/oauth/client-auth.js';
import { parseForm } from '../../src/oauth/form-body.js';

const basic = (id: string, secret: string) => {
  const enc = (v: string) => new URLSearchParams([['v', v]]).toString().slice(2);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
};

describe('client authentication parsing (RFC 6749 §2.3.1)', () => {
  it('reads client_secret_basic, form-decoding id and secret', () => {
    expect(presentedClient(basic('order-service', 'p@ss word:+/'), {})).toEqual({ clientId: 'order-service', secret: 'p@ss word:+/', method: 'client_secret_basic' });
  });

  it('reads client_secret_post and a bare client_id (public client)', () => {
    expect(presentedClient(undefined, { client_id: 'a', client_secret: 's' })).toEqual({ clientId: 'a', secret: 's', method: 'client_secret_post' });
    expect(presentedClient(undefined, { client_id: 'web' })).toEqual({ clientId: 'web', secret: undefined, method: 'none' });
  });

  it('refuses two methods at once and a body client_id contradicting Basic', () => {
    expect(() => presentedClient(basic('a', 's'), { client_secret: 's' })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => presentedClient(basic('a', 's'), { client_id: 'b' })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('answers invalid_client with a Basic challenge to malformed or non-Basic headers', () => {
    for (const h of ['Bearer abc', 'Basic', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Basic a b']) {
      expect(() => presentedClient(h, {}), h).toThrow(expect.objectContaining({ error: 'invalid_client', status: 401, headers: { 'www-authenticate': 'Basic realm="nimbus"' } }));
    }
  });

  it('answers invalid_client when no client is named at all', () => {
    expect(() => presentedClient(undefined, {})).toThrow(expect.objectContaining({ error: 'invalid_client' }));
  });
});

describe('form bodies', () => {
  it('parses parameters and treats empty values as omitted (RFC 6749 §3.1)', () => {
    expect(parseForm('grant_type=password&scope=&username=a%40b.c')).toEqual({ grant_type: 'password', username: 'a@b.c' });
  });

  it('refuses a repeated parameter instead of picking one', () => {
    expect(() => parseForm('scope=a&scope=b')).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('yields a plain object that prototype keys cannot pollute', () => {
    const form = parseForm('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
