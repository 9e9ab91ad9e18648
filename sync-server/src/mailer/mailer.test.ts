import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { logMailer, quoteInEmail, smtpMailer } from './mailer.ts';

describe('mail transports', () => {
  const received: { from: string; to: string[]; data: string }[] = [];
  let server: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    // A real SMTP server on loopback: what we do not own, stood up locally.
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(r));
  });

  it('delivers through SMTP when SMTP_URL is set', async () => {
    await smtpMailer(`smtp://127.0.0.1:${port}`, 'StreamFlow <no-reply@streamflow.test>').send({ to: 'ada@example.test', subject: 'Hello', text: 'Reset link: https://x/reset' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'no-reply@streamflow.test', to: ['ada@example.test'] });
    expect(received[0]?.data).toContain('Subject: Hello');
  });

  it('logs emails by default, and leaves out their bodies in production', async () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l) });
    await logMailer(logger, { includeBody: false }).send({ to: 'a@b.test', subject: 'S', text: 'secret token' });
    await logMailer(logger, { includeBody: true }).send({ to: 'a@b.test', subject: 'S', text: 'dev token' });
    expect(lines[0]).not.toContain('secret token');
    expect(lines[1]).toContain('dev token');
  });
});

describe('quoteInEmail', () => {
  it('keeps a typed name to one bounded line without a live link', () => {
    const q = quoteInEmail('Sam\r\nVisit https://evil.test or www.evil.test\u202E now', 60);
    expect(q).not.toMatch(/[\r\n\u202E]/);
    expect(q).not.toContain('https://');
    expect(q).not.toMatch(/www\./i);
    expect(q.length).toBeLessThanOrEqual(62);
    expect(quoteInEmail('x'.repeat(500))).toHaveLength(100);
    expect(quoteInEmail('Bright Spark Electrical')).toBe('Bright Spark Electrical');
  });
});
