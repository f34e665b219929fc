/**
 * `kestrel worker --queue redis://HOST:PORT [--concurrency N] [--lock-ms MS]`: runs sweep tasks from a queue
 * on this machine, for desktops that send sweeps there (`kestrel sweep --queue …`, or a cluster in
 * Settings). The Redis password comes from KESTREL_QUEUE_PASSWORD or --password-file, never the command
 * line (other users can read a process's arguments). Ctrl+C finishes the jobs in hand, then leaves; a second
 * Ctrl+C leaves at once (the queue hands unfinished jobs to other workers).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startQueueWorker } from '../../../workers/queue/worker.ts';
import { APP_VERSION } from '../../host/version.ts';
import { type CliCommand, UsageError } from '../command.ts';

export function queuePassword(file: string | undefined): string | undefined {
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`cannot read --password-file ${file}: ${(e as Error).message}`);
    }
  }
  return process.env.KESTREL_QUEUE_PASSWORD || undefined;
}

export const worker: CliCommand = {
  name: 'worker',
  summary: 'Run sweep and walk-forward tasks from a Redis queue (BullMQ) on this machine.',
  usage: 'kestrel worker --queue redis://HOST:PORT [--concurrency N (default: cores)] [--lock-ms MS (default 30000)] [--password-file FILE]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { queue: { type: 'string' }, concurrency: { type: 'string' }, 'lock-ms': { type: 'string' }, 'password-file': { type: 'string' } },
      strict: true,
    });
    if (!values.queue) throw new UsageError('give --queue redis://HOST:PORT');
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)) throw new UsageError('--concurrency must be a whole number from 1 to 256');
    const lockMs = values['lock-ms'] === undefined ? undefined : Number(values['lock-ms']);
    if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 500)) throw new UsageError('--lock-ms must be a whole number of milliseconds, at least 500');
    const password = queuePassword(values['password-file']);
    const w = await startQueueWorker({
      url: values.queue,
      ...(password ? { password } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(lockMs ? { lockMs } : {}),
      version: APP_VERSION,
      onError: (e) => console.error(`queue: ${e.message}`),
      onJob: (j) => console.log(`ran ${j.sets} parameter sets of sweep ${j.runId.slice(0, 8)} in ${Math.round(j.ms)} ms`),
    });
    console.log(`kestrel worker ${w.id} on ${w.queue} (engine ${w.engine.slice(0, 12)}, Kestrel ${APP_VERSION}): waiting for tasks`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) {
          void w.close(true).then(resolve);
          return;
        }
        stopping = true;
        console.log('finishing the tasks in hand (Ctrl+C again to leave now)');
        void w.close(false).then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
