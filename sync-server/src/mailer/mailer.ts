import { createTransport } from 'nodemailer';
import type { Logger } from '../logger.ts';

/** One outgoing email. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
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
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
  };
}
