import { pino, type Logger } from 'pino';

/**
 * JSON log lines on stderr (stdout is reserved for command output). Secrets are redacted by key
 * wherever they appear, so a mistaken log call cannot leak a password.
 */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      base: { svc: 'mailwarden' },
      redact: {
        paths: ['password', '*.password', 'pass', '*.pass', 'secret', '*.secret', 'auth.password', 'authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

export type { Logger };
