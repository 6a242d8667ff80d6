import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from './endpoints.js';

describe('Mailpit smoke (nodemailer over SMTP)', () => {
  it('sends an email and finds it through the Mailpit API', async () => {
    const subject = uniqueName('Order confirmed');
    const transport = nodemailer.createTransport(endpoint('SMTP_URL'));
    await transport.sendMail({
      from: 'shop@nimbus.test',
      to: 'customer@nimbus.test',
      subject,
      text: 'Your order is confirmed.',
    });
    transport.close();

    const api = endpoint('MAILPIT_URL');
    const found = await eventually(async () => {
      const res = await fetch(`${api}/api/v1/search?query=${encodeURIComponent(`subject:"${subject}"`)}`);
      const body = (await res.json()) as { messages: Array<{ ID: string; Subject: string; To: Array<{ Address: string }> }> };
      return body.messages[0];
    }, 10_000, 'the message in Mailpit');
    expect(found.To[0]?.Address).toBe('customer@nimbus.test');
    const full = (await (await fetch(`${api}/api/v1/message/${found.ID}`)).json()) as { Text: string };
    expect(full.Text).toContain('Your order is confirmed.');
  });
});
