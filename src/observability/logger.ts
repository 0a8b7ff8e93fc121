// Structured logs (pino): secrets redacted, phone numbers masked, pretty only on a TTY.
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["stripe-signature"]',
  '*.accessToken',
  '*.secret',
  '*.password',
];

/** "+447700900123" → "+44*****0123": enough to tell leads apart in logs, not enough to dial. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 6) return '***';
  return `${digits.slice(0, 3)}${'*'.repeat(Math.max(3, digits.length - 7))}${digits.slice(-4)}`;
}

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'test';
  return pino({
    name: options.name ?? 'leadline',
    level: options.level ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
