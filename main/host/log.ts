import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const defaultLevel = () => process.env.KESTREL_LOG ?? (process.env.VITEST ? 'silent' : 'info');

/** One logger for the host. Quiet in tests unless KESTREL_LOG asks otherwise. */
export function createLogger(name = 'kestrel', level = defaultLevel()): Logger {
  return pino({ name, level });
}

/**
 * The app's logger: everything from `level` up goes to `<dataDir>/logs/kestrel.log` (JSON lines, for support
 * and audits of the app itself); only warnings and errors reach the terminal, so `kestrel serve` stays readable.
 */
export function createFileLogger(dataDir: string, level = defaultLevel()): Logger {
  if (level === 'silent') return createLogger('kestrel', 'silent');
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  return pino(
    { name: 'kestrel', level },
    pino.multistream([
      { level: level as pino.Level, stream: pino.destination({ dest: join(dir, 'kestrel.log'), mkdir: true, sync: false }) },
      { level: 'warn', stream: process.stderr },
    ]),
  );
}
