import nodemailer, { type Transporter } from 'nodemailer';
import { EMAIL_SEND_FAILED } from '../errors.js';
import type { Email } from '../domain/templates.js';

export interface MailerOptions {
  url: string;
  from: string;
  timeoutMs: number;
}

export interface Outgoing extends Email {
  to: string;
  /** Stable per event, so a mail that was sent but not recorded (crash between the two) can be recognised downstream. */
  messageId: string;
}

/** SMTP through nodemailer; failures become the retryable EMAIL_SEND_FAILED. */
export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(opts: MailerOptions) {
    this.#from = opts.from;
    const u = new URL(opts.url);
    const secure = u.protocol === 'smtps:';
    this.#transport = nodemailer.createTransport({
      host: u.hostname,
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      ...(u.username && { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }),
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
    });
  }

  async send(mail: Outgoing): Promise<string> {
    try {
      const info = await this.#transport.sendMail({ from: this.#from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId });
      return info.messageId;
    } catch (err) {
      throw EMAIL_SEND_FAILED({ detail: `SMTP send to ${mail.to} failed: ${(err as Error).message}`, cause: err });
    }
  }

  async verify(): Promise<void> {
    await this.#transport.verify();
  }

  close(): void {
    this.#transport.close();
  }
}
