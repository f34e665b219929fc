/** `kestrel worker` child processes for queue tests, started as a user would start them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../main/cli/kestrel.ts', import.meta.url));

export interface WorkerProc {
  readonly proc: ChildProcess;
  /** Everything the worker printed so far. */
  output(): string;
  /** Resolves when the worker says it is waiting for tasks. */
  readonly ready: Promise<void>;
}

export function startWorker(url: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProc {
  const proc = spawn(process.execPath, [cli, 'worker', '--queue', url, '--concurrency', '1', ...extra], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const on = (b: Buffer): void => {
      out += b.toString();
      if (out.includes('waiting for tasks')) resolve();
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { proc, output: () => out, ready };
}

export async function stopWorkers(ws: readonly WorkerProc[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
          // SIGTERM lets the worker remove its heartbeat, so the next test does not see a ghost.
          const hard = setTimeout(() => w.proc.kill('SIGKILL'), 10_000);
          w.proc.once('exit', () => (clearTimeout(hard), resolve()));
          w.proc.kill('SIGTERM');
        }),
    ),
  );
}
