/**
 * One email through the configured SMTP server (nodemailer): a new connection per message, so a
 * changed setting applies at once and nothing stays open between failures. `secure` maps to
 * nodemailer as: `tls` = implicit TLS (port 465), `starttls` = plain connect then STARTTLS, which
 * is required (the message is never sent in clear when the server does not offer it), `none` =
 * no TLS at all, even if offered (an internal relay on port 25).
 */
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../config/settings-schema.ts';
import { toError } from '../errors.ts';
import { PermanentDeliveryError } from './delivery.ts';

/** An email ready to send. */
export interface OutgoingEmail {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends `mail`; rejects with a PermanentDeliveryError for a failure a retry cannot fix (wrong
 * login, every recipient refused, a 5xx reply), with a plain Error otherwise. Aborting `signal`
 * closes the connection.
 */
export async function sendEmail(smtp: SmtpSettings, mail: OutgoingEmail, timeoutMs: number, signal: AbortSignal): Promise<void> {
  // The caller's limit for the whole attempt decides; nodemailer's own socket limits are a backstop.
  const socketLimit = timeoutMs + 1_000;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure === 'tls',
    requireTLS: smtp.secure === 'starttls',
    ignoreTLS: smtp.secure === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: socketLimit,
    greetingTimeout: socketLimit,
    socketTimeout: socketLimit,
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: mail.to,
      cc: mail.cc.length ? mail.cc : undefined,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      textEncoding: 'quoted-printable',
    });
    if (info.rejected.length > 0 && info.accepted.length === 0) {
      throw new PermanentDeliveryError(`SMTP ${smtp.host}:${smtp.port} refused every recipient`);
    }
  } catch (caught) {
    throw classify(caught, smtp);
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

function classify(caught: unknown, smtp: SmtpSettings): Error {
  if (caught instanceof PermanentDeliveryError) return caught;
  const error = toError(caught) as Error & { code?: string; responseCode?: number };
  const message = `SMTP ${smtp.host}:${smtp.port}: ${error.message}`;
  const permanent =
    error.code === 'EAUTH' || error.code === 'EENVELOPE' || (error.responseCode !== undefined && error.responseCode >= 500);
  return permanent ? new PermanentDeliveryError(message, { cause: error }) : new Error(message, { cause: error });
}
