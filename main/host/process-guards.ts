import type { Logger } from './log.ts';
import { APP_VERSION } from './version.ts';

/**
 * The last line of defence, not the first: every transport and handler entry answers its own failures
 * (main/host/ipc/server.ts, headless/server.ts, transports/). A rejection nobody handled is therefore a
 * bug of ours; it is logged as a bug report (stack, version, count) and the host keeps serving, instead of
 * Node's default of ending the process over one stray promise. An uncaught exception leaves state
 * unknown, so that one still ends the process, after the same report.
 */
export function installProcessGuards(log: Logger, proc: NodeJS.Process = process): () => void {
  let count = 0;
  const report = (kind: string, reason: unknown) => ({
    bugReport: {
      kind,
      version: APP_VERSION,
      count,
      error: reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : { value: String(reason) },
    },
  });
  const onRejection = (reason: unknown) => {
    count++;
    log.error(report('unhandledRejection', reason), 'BUG: a promise rejection was not handled; the host keeps running. Please report this with the log file.');
  };
  const onUncaught = (err: Error, origin: string) => {
    log.fatal(report(origin, err), 'BUG: uncaught exception; the host stops. Please report this with the log file.');
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtExceptionMonitor', onUncaught);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtExceptionMonitor', onUncaught);
  };
}
