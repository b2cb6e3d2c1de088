import { pino, type Logger } from 'pino';

/** JSON logs on stdout; secrets are never written even if an object carrying them is logged. */
export function createLogger(name: string): Logger {
  return pino(
    {
      name,
      level: process.env.ALERTSCALE_LOG_LEVEL ?? 'info',
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ sync: false }),
  ); // a log line per request must not block the event loop on stdout
}
