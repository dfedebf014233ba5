// Structured JSON logs (pino). Redaction is a second line of defence: secrets are kept out of
// log calls in the first place (the PIN is a Secret that prints as [redacted]).

import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'qkms' },
      redact: {
        paths: [
          'pin',
          '*.pin',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'Message',
          '*.Message',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
