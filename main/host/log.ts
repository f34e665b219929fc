import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** One logger for the host. Quiet in tests unless KESTREL_LOG asks otherwise. */
export function createLogger(name = 'kestrel', level = process.env.KESTREL_LOG ?? (process.env.VITEST ? 'silent' : 'info')): Logger {
  return pino({ name, level });
}
