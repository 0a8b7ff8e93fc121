// Email out through SMTP (nodemailer, pointed at SMTP_URL; the sender is EMAIL_FROM). Used for artist
// notifications (`artists[].notify: [.., email]`). Outside production without SMTP_URL the sandbox records
// the email instead (the console shows it like a WhatsApp or SMS message), so the demo works with no mail
// server. The outbox id is the Message-ID: a retried send carries the same one.
import nodemailer from 'nodemailer';
import type { Env } from '../../config/env.ts';
import { permanent, retryable } from '../effect-errors.ts';
import { sandboxOr, type SandboxRecorder, type SendFn } from '../sandbox/sandbox.ts';

export interface EmailMessage {
  subject: string;
  text: string;
}

/** The sender shown by the sandbox when EMAIL_FROM is unset. */
const SANDBOX_FROM = 'leadline@localhost';

/** What nodemailer's errors carry: an SMTP reply code, or a connection error code. */
interface SmtpError {
  responseCode?: number;
  code?: string;
  message?: string;
}

/** 5xx replies will not pass on retry (a refused address, a refused login); 4xx and the network will. */
export function classifySmtpError(error: unknown): Error {
  const smtp = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const message = `SMTP: ${smtp.message ?? String(error)}`;
  const details = { code: smtp.responseCode ?? smtp.code ?? null };
  const reason = smtp.code === 'EAUTH' ? 'not_configured' : 'refused';
  if (smtp.responseCode !== undefined)
    return smtp.responseCode >= 500
      ? permanent(message, { ...details, reason }, error)
      : retryable(message, details, error);
  // No reply code: a bad login or address nodemailer refused itself, else the network.
  if (smtp.code === 'EAUTH' || smtp.code === 'EENVELOPE')
    return permanent(message, { ...details, reason }, error);
  return retryable(message, details, error);
}

export function emailSender(
  env: Pick<Env, 'SMTP_URL' | 'EMAIL_FROM'>,
  recorder: SandboxRecorder | undefined,
  timeoutMs: number,
): SendFn<EmailMessage> {
  const url = env.SMTP_URL;
  const real: SendFn<EmailMessage> | undefined =
    url === undefined
      ? undefined
      : (() => {
          // Timeouts bound a stuck server (the URL's own ?connectionTimeout=… wins where it sets one).
          const transport = nodemailer.createTransport({
            url,
            connectionTimeout: timeoutMs,
            greetingTimeout: timeoutMs,
            socketTimeout: timeoutMs,
          });
          return async (ctx, from, to, message) => {
            try {
              const info = await transport.sendMail({
                from,
                to,
                subject: message.subject,
                text: message.text,
                messageId: `<${ctx.outboxId}@leadline>`,
              });
              return { providerMessageId: info.messageId, deliveryStatus: 'sent' };
            } catch (error) {
              throw classifySmtpError(error);
            }
          };
        })();
  if (real) return real;
  if (recorder === undefined)
    return () => Promise.reject(permanent('SMTP_URL is not set', { reason: 'not_configured' }));
  return sandboxOr(undefined, recorder, 'email', (message: EmailMessage) => ({
    kind: 'email',
    text: `${message.subject}\n\n${message.text}`,
    payload: { subject: message.subject, text: message.text },
  }));
}

/** EMAIL_FROM, or in the sandbox a placeholder sender. */
export function emailFrom(env: Pick<Env, 'EMAIL_FROM'>): string {
  return env.EMAIL_FROM ?? SANDBOX_FROM;
}
