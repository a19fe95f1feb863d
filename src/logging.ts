import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured logs on stderr (stdout belongs to CLI output). Secrets never reach a log line. */
export function createLogger(level: string = 'info', name = 'abusedesk'): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie', 'secret', '*.secret'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
