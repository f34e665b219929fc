/**
 * Starts a sandbox process: the boundary strategy code runs behind (SANDBOX.md). A separate OS process of
 * the same Node binary, with Node's permission model on and nothing granted but reading the application's
 * own code: no file writes, no other reads (no data directory, no key file, no database), no child
 * processes, no worker threads, no native addons, no WASI; no code generation from strings in any realm;
 * an empty environment; a heap limit. Values cross only as messages (V8 structured serialisation over the
 * IPC pipe) and raw candle bytes over stdin: no object, prototype or error of one process reaches the other.
 *
 * The parent side (this module) watches it: `rssMb` reads its resident memory (Linux: /proc), `kill` ends it
 * with SIGKILL. The child exits by itself when the parent goes away (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SandboxOptions {
  /** Heap limit (old generation) in MB. */
  readonly memoryMb: number;
}

export interface SandboxProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  /** Raw bytes on the child's stdin (candle columns: no serialisation of 48 MB per million candles). */
  write(chunk: Uint8Array): void;
  onMessage(fn: (m: unknown) => void): void;
  /** Called once; `stderr` is the last few KB the child wrote (Node's own fatal messages: out of memory). */
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null, stderr: string) => void): void;
  /** Resident memory in MB, where the OS tells (Linux); undefined elsewhere. */
  rssMb(): number | undefined;
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

let allow: string[] | undefined;

export function spawnSandbox(opts: SandboxOptions): SandboxProcess {
  allow ??= readable();
  const electron = process.versions.electron !== undefined;
  const child: ChildProcess = fork(ENTRY, [], {
    execPath: process.execPath,
    execArgv: [
      '--permission', ...allow.map((p) => `--allow-fs-read=${p}`),
      '--disallow-code-generation-from-strings',
      `--max-old-space-size=${Math.max(16, Math.floor(opts.memoryMb))}`,
      '--max-semi-space-size=16',
      '--no-warnings',
    ],
    // Nothing of the host's environment: no keys, tokens, paths. Electron needs one switch to act as Node.
    env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
    serialization: 'advanced',
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    cwd: dirname(ENTRY),
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    tail = (tail + d).slice(-4096);
  });
  child.stdin?.on('error', () => {}); // the child died: its exit is reported
  child.on('error', () => {}); // a send to a dead child: its exit is reported
  return {
    pid: child.pid,
    send: (m) => {
      if (child.connected) child.send(m as never);
    },
    write: (chunk) => {
      child.stdin?.write(chunk);
    },
    onMessage: (fn) => {
      child.on('message', fn);
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
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
