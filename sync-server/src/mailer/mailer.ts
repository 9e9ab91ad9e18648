import { createTransport } from 'nodemailer';
import type { Logger } from '../logger.ts';

import { appendFileSync } from 'node:fs';

/** One outgoing email: plain text only, so nothing in it is markup to escape. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * A value someone typed (a name, a company), fit to quote in an email: one
 * line, at most `max` characters, and no live link (`://` and `www.` are
 * broken with a zero-width space), so a name cannot smuggle a phishing link
 * into a message sent in our name.
 */
export function quoteInEmail(value: unknown, max = 100): string {
  const s = String(value ?? '')
    .replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
  return s.replace(/:\/\//g, ':/\u200B/').replace(/www\./gi, (w) => `${w.slice(0, 3)}\u200B.`);
}

/** Sends email. Implementations: the log transport (default), a capturing one for tests. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
}

/**
 * The default transport when no SMTP is configured: each email becomes a log
 * line. Bodies carry links with one-time tokens, so they are logged only
 * outside production (where a developer needs the reset link).
 */
export function logMailer(logger: Logger, opts: { includeBody: boolean }): Mailer {
  return {
    send(message) {
      logger.info('email', {
        to: message.to,
        subject: message.subject,
        ...(opts.includeBody ? { text: message.text } : {}),
      });
      return Promise.resolve();
    },
  };
}

/** Keeps every email in `sent`; for tests (email delivery is an edge we do not own). */
export function capturingMailer(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    send(message) {
      sent.push(message);
      return Promise.resolve();
    },
  };
}

/** Sends through an SMTP server given as smtp://user:pass@host:port (smtps:// for implicit TLS). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
  };
}

/**
 * Appends each email as a JSON line to `path` (MAIL_OUTBOX_FILE, never in
 * production): how the browser tests read the links a user would get.
 */
export function fileMailer(path: string): Mailer {
  return {
    send(message) {
      appendFileSync(path, `${JSON.stringify({ ...message, at: new Date().toISOString() })}\n`);
      return Promise.resolve();
    },
  };
}
