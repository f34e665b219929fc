/**
 * Starts a sandbox process: the boundary strategy code runs behind (SANDBOX.md). A separate OS process of
 * the same Node binary, with Node's permission model on and nothing granted but reading the application's
 * own code: no file writes, no other reads (no data directory, no key file, no database), no child
 * processes, no worker threads, no native addons, no WASI; no code generation from strings in any realm;
 * an empty environment; a heap limit. Values cross only as messages (V8 structured serialisation over the
 * IPC pipe to the child, framed on its stdout back: frames.ts) and raw candle bytes over stdin: no object,
 * prototype or error of one process reaches the other.
 *
 * The parent side (this module) watches it: `rssMb` reads its resident memory (Linux: /proc), `kill` ends it
 * with SIGKILL. The child exits by itself when the parent goes away (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { StrategyError } from '../../main/core/errors.ts';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader } from './frames.ts';

/** Heap limit of a backtest's sandbox process unless the caller says otherwise. */
export const SANDBOX_MEMORY_MB = 256;

export interface SandboxOptions {
  /** Heap limit (old generation) in MB. */
  readonly memoryMb: number;
  /** Run a small backtest of the app's own before saying ready (a spare: its code is then hot). */
  readonly warm?: boolean;
}

export interface SandboxProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  /**
   * Raw bytes on the child's stdin (candle columns: no serialisation of 48 MB per million candles); `written`
   * once they are handed to the OS (not called if the child dies first: its exit is reported).
   */
  write(chunk: Uint8Array, written?: () => void): void;
  onMessage(fn: (m: unknown) => void): void;
  /** Called once; `stderr` is the last few KB the child wrote (Node's own fatal messages: out of memory). */
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null, stderr: string) => void): void;
  /** Resident memory in MB, where the OS tells (Linux); undefined elsewhere. */
  rssMb(): number | undefined;
  /** Still running and connected (a spare that died while it waited is not handed out). */
  alive(): boolean;
  /** Whether it keeps this process's event loop alive (a spare waiting for a job does not). */
  hold(on: boolean): void;
  kill(): void;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const ENTRY = fileURLToPath(new URL(`./child${ext}`, import.meta.url));

/** The folders the child may read: the application code it imports, and nothing else. */
function readable(): string[] {
  const codeRoot = resolve(dirname(ENTRY), '..', '..'); // the app root, or its dist/
  const appRoot = codeRoot.endsWith(`${'/'}dist`) || codeRoot.endsWith('\\dist') ? dirname(codeRoot) : codeRoot;
  const paths = [join(codeRoot, 'main'), join(codeRoot, 'workers'), join(codeRoot, 'native'), join(codeRoot, 'package.json'), join(appRoot, 'package.json'), join(appRoot, 'node_modules')];
  const out = new Set<string>();
  for (const p of paths) {
    out.add(p);
    try {
      out.add(realpathSync(p)); // node_modules may be a symlink
    } catch {
      // absent (no native/ in this build): nothing to allow
    }
  }
  return [...out];
}

/** Which Node runs the sandbox, which file it starts, and the only paths it may read. */
export interface SandboxRuntime {
  readonly execPath: string;
  readonly entry: string;
  readonly readable: readonly string[];
}

let runtime: SandboxRuntime | undefined;

/**
 * From sources or dist/ (headless, CLI, tests): this Node, the child module, the app's code folders. In the
 * desktop app: the plain Node runtime shipped with it (resources/node) running the one-file child bundle
 * (resources/sandbox/child.mjs, `npm run build:sandbox`), which is all it may read. Electron's own binary is
 * never used: with the RunAsNode fuse off it would start a second app, and its utility processes ignore
 * Node's permission model. A desktop build without them refuses code strategies rather than run them
 * less isolated.
 */
export function sandboxRuntime(): SandboxRuntime {
  if (runtime) return runtime;
  if (process.versions.electron === undefined) return { execPath: process.execPath, entry: ENTRY, readable: readable() };
  const res = (process as { resourcesPath?: string }).resourcesPath ?? '';
  const node = join(res, 'node', process.platform === 'win32' ? 'node.exe' : 'node');
  const entry = join(res, 'sandbox', 'child.mjs');
  if (!existsSync(node) || !existsSync(entry)) throw new StrategyError(`this build of Kestrel has no strategy sandbox runtime (${existsSync(node) ? entry : node} is missing): code strategies do not run without their isolation`);
  return { execPath: node, entry, readable: [entry] };
}

/** Tests of the packaged layout run the bundled child under plain Node this way. */
export function useSandboxRuntime(rt: SandboxRuntime | undefined): void {
  runtime = rt;
  dropSpare(); // started with the runtime this replaces
}

/**
 * One sandbox process started ahead of need, so a run does not wait for a process to start (~0.2–0.3 s of
 * its wall time): started when a run ends (the next run finds it ready) or by `prewarmSandbox` (the CLI calls
 * it before it loads the data). A spare has run no code but the child's own: a process serves one job and is
 * never reused. It does not keep this process alive and ends after SPARE_IDLE_MS unused.
 */
let spare: { proc: SandboxProcess; memoryMb: number; timer: NodeJS.Timeout } | undefined;
const SPARE_IDLE_MS = 5 * 60_000;

function dropSpare(): void {
  if (!spare) return;
  clearTimeout(spare.timer);
  spare.proc.kill();
  spare = undefined;
}

/** Starts a spare sandbox process if none is waiting; never throws (a runtime that is missing fails the run). */
export function prewarmSandbox(opts: SandboxOptions): void {
  if (spare?.proc.alive() && spare.memoryMb === opts.memoryMb) return;
  dropSpare();
  try {
    const proc = spawnSandbox({ ...opts, warm: true });
    proc.hold(false);
    const timer = setTimeout(dropSpare, SPARE_IDLE_MS);
    timer.unref();
    spare = { proc, memoryMb: opts.memoryMb, timer };
  } catch {
    // no sandbox runtime in this build: the run that needs one reports it
  }
}

/** The waiting spare's process id (diagnostics and tests). */
export function spareSandboxPid(): number | undefined {
  return spare?.proc.pid;
}

/** A sandbox process for one job: the spare when it fits and is alive, a new one otherwise. */
export function takeSandbox(opts: SandboxOptions): SandboxProcess {
  const s = spare;
  spare = undefined;
  if (s) {
    clearTimeout(s.timer);
    if (s.memoryMb === opts.memoryMb && s.proc.alive()) {
      s.proc.hold(true);
      return s.proc;
    }
    s.proc.kill();
  }
  return spawnSandbox(opts);
}

export function spawnSandbox(opts: SandboxOptions): SandboxProcess {
  runtime ??= sandboxRuntime();
  const rt = runtime;
  const child: ChildProcess = fork(rt.entry, opts.warm ? ['--warm'] : [], {
    execPath: rt.execPath,
    execArgv: [
      '--permission', ...rt.readable.map((p) => `--allow-fs-read=${p}`),
      '--disallow-code-generation-from-strings',
      `--max-old-space-size=${Math.max(16, Math.floor(opts.memoryMb))}`,
      '--max-semi-space-size=16',
      '--no-warnings',
    ],
    // Nothing of the host's environment: no keys, tokens, paths.
    env: {},
    serialization: 'advanced',
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    cwd: dirname(rt.entry),
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    tail = (tail + d).slice(-4096);
  });
  child.stdin?.on('error', () => {}); // the child died: its exit is reported
  const listeners: ((m: unknown) => void)[] = [];
  // Messages that came before anyone listened (a spare's 'ready'), handed to the first listener.
  let early: unknown[] | undefined = [];
  const deliver = (m: unknown): void => {
    if (early) early.push(m);
    else for (const l of listeners) l(m);
  };
  const reader = new FrameReader(deliver);
  child.stdout?.on('data', (d: Buffer) => {
    try {
      reader.push(d);
    } catch (e) {
      // Not our framing (or too big): the child is not speaking the protocol; report and end it.
      deliver({ type: 'garbled', message: e instanceof Error ? e.message : String(e) });
      child.kill('SIGKILL');
    }
  });
  child.on('error', () => {}); // a send to a dead child: its exit is reported
  return {
    pid: child.pid,
    send: (m) => {
      if (child.connected) child.send(m as never);
    },
    write: (chunk, written) => {
      child.stdin?.write(chunk, (e) => {
        if (!e) written?.();
      });
    },
    onMessage: (fn) => {
      listeners.push(fn);
      const queued = early;
      early = undefined;
      for (const m of queued ?? []) for (const l of listeners) l(m);
    },
    onExit: (fn) => {
      // 'close' waits for stderr to end, so the out-of-memory message is in the tail.
      child.once('close', (code, signal) => fn(code, signal, tail));
    },
    rssMb: () => {
      if (process.platform !== 'linux' || child.pid === undefined) return undefined;
      try {
        const pages = Number(readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]);
        return (pages * 4096) / 1048576;
      } catch {
        return undefined;
      }
    },
    alive: () => child.exitCode === null && child.signalCode === null && child.connected,
    hold: (on) => {
      for (const h of [child, child.channel, child.stdin, child.stdout, child.stderr] as ({ ref?(): unknown; unref?(): unknown } | null | undefined)[]) {
        if (on) h?.ref?.();
        else h?.unref?.();
      }
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
