import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * The process logger. Constant messages plus fields (`accountId`, `entity`, `workflowId`); the redaction
 * list is a second line of defence, the first is never passing secrets to a logger at all.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    redact: {
      paths: [
        'password',
        '*.password',
        'clientSecret',
        '*.clientSecret',
        'restPassword',
        '*.restPassword',
        'apiKey',
        '*.apiKey',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
        'access_token',
        'refresh_token',
      ],
      censor: '[redacted]',
    },
  });
}
