/**
 * Entry of a sandbox process (spawn.ts starts it under Node's permission model). Every module it needs is
 * imported before anything else runs; then what the process itself could still reach is taken away
 * (network globals, builtin loading, signals), and only then does it accept a job and load strategy code.
 * It serves one job: a code-strategy backtest (backtest-job.ts) or one paper strategy run (paper-job.ts).
 */
import { stripTypeScriptTypes } from 'node:module';
import { runBacktestJob, warmUp, type BacktestJobMessage } from './backtest-job.ts';
import { runPaperJob, type PaperJobMessage } from './paper-job.ts';
import { writeFrame } from './frames.ts';

// Replies go out on stdout, synchronously (frames.ts); nothing else in this process writes there.
const send = (m: unknown): void => writeFrame(1, m);

/** Second layer behind the vm context: if strategy code ever held this realm, it finds little to use. */
function harden(): void {
  const g = globalThis as Record<string, unknown>;
  for (const k of ['fetch', 'WebSocket', 'EventSource', 'Request', 'Response', 'Headers', 'FormData', 'navigator', 'Worker', 'SharedArrayBuffer', 'WebAssembly']) {
    try {
      delete g[k];
    } catch {
      // not configurable: left as is
    }
  }
  const p = process as unknown as Record<string, unknown>;
  const refuse = (): never => {
    throw new Error('not available in the strategy sandbox');
  };
  for (const k of ['getBuiltinModule', 'binding', '_linkedBinding', 'dlopen', 'kill', 'chdir', 'setuid', 'setgid', 'seteuid', 'setegid', 'setgroups', 'initgroups', 'loadEnvFile', 'openStdin']) {
    try {
      if (typeof p[k] === 'function') p[k] = refuse;
    } catch {
      // read-only: the permission model still covers it
    }
  }
}

process.on('disconnect', () => process.exit(0));
// stdin (the candles) is read with readSync on fd 0 (backtest-job.ts): process.stdin is never opened, as a
// stream would make the descriptor non-blocking.
// Node's type stripper compiles its WebAssembly on first use: use it once while WebAssembly still exists (a
// child started from .ts sources has done so already; the one-file bundle of the desktop app has not).
stripTypeScriptTypes('let warm: number = 1;');
harden();
process.once('message', (m: unknown) => {
  const job = m as { type?: unknown };
  try {
    // A backtest's certificates are the next message (the parent certifies while this process runs).
    if (job?.type === 'backtest') void runBacktestJob(job as BacktestJobMessage, new Promise((resolve) => process.once('message', resolve)), send);
    else if (job?.type === 'paper') runPaperJob(job as PaperJobMessage, send);
    else send({ type: 'failed', code: 'internal', message: 'unknown sandbox job' });
  } catch (e) {
    send({ type: 'failed', code: 'internal', message: e instanceof Error ? e.message : String(e) });
  }
});
// A spare (started ahead of a backtest) warms its code first: 'ready' then means ready to run at speed.
if (process.argv.includes('--warm')) {
  try {
    await warmUp();
  } catch {
    // a warm-up that fails changes nothing for the job: its code just starts cold
  }
}
send({ type: 'ready' });
