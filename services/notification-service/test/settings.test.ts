import { KitSettings, resolveSettings, undocumentedSettings } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Settings } from '../src/settings.js';

const schema = Type.Composite([KitSettings, Settings]);

describe('notification-service settings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(Settings)).toEqual([]);
  });

  it('resolves with nothing configured to the documented defaults', () => {
    const s = resolveSettings(schema, {});
    expect(s.mysql).toMatchObject({ database: 'nimbus_notifications', poolSize: 5 });
    expect(s.smtp).toMatchObject({ url: 'smtp://127.0.0.1:1025', timeoutMs: 10_000 });
    expect(s.notifications).toEqual({ ordersTopic: 'orders', consumerGroup: 'notification-service', defaultRecipient: '' });
  });

  it('refuses an SMTP URL of another scheme', () => {
    expect(() => resolveSettings(schema, { 'smtp.url': 'http://mail.example' })).toThrow(/smtp.url/);
  });
});
