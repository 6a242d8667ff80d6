import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseBasic, parseBearer, webhookSignatureValid } from '../../src/security/credentials.js';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const hmac = createHmac('sha256', 's3cret').update(body).digest('hex');

describe('webhookSignatureValid', () => {
  it('accepts GitHub and Bitbucket X-Hub-Signature-256', () => {
    expect(webhookSignatureValid({ 'x-hub-signature-256': `sha256=${hmac}` }, body, 's3cret')).toBe(true);
  });

  it('accepts Gitea and Gogs hex signatures', () => {
    expect(webhookSignatureValid({ 'x-gitea-signature': hmac }, body, 's3cret')).toBe(true);
    expect(webhookSignatureValid({ 'x-gogs-signature': hmac }, body, 's3cret')).toBe(true);
  });

  it('accepts the GitLab and Gitee token headers', () => {
    expect(webhookSignatureValid({ 'x-gitlab-token': 's3cret' }, body, 's3cret')).toBe(true);
    expect(webhookSignatureValid({ 'x-gitee-token': 's3cret' }, body, 's3cret')).toBe(true);
  });

  it('refuses a signature over another body, a wrong token, and everything when no secret is set', () => {
    expect(webhookSignatureValid({ 'x-hub-signature-256': `sha256=${hmac}` }, Buffer.from('{}'), 's3cret')).toBe(false);
    expect(webhookSignatureValid({ 'x-gitlab-token': 'guess' }, body, 's3cret')).toBe(false);
    expect(webhookSignatureValid({ 'x-gitlab-token': '' }, body, '')).toBe(false);
  });
});

describe('credential headers', () => {
  it('reads Basic credentials, the password may hold colons', () => {
    expect(parseBasic(`Basic ${Buffer.from('config:a:b').toString('base64')}`)).toEqual({ username: 'config', password: 'a:b' });
    expect(parseBasic('Basic !!!')).toBeUndefined();
    expect(parseBasic(undefined)).toBeUndefined();
  });

  it('reads Bearer tokens', () => {
    expect(parseBearer('Bearer abc.def')).toBe('abc.def');
    expect(parseBearer('Basic abc')).toBeUndefined();
  });
});
