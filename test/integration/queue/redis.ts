/**
 * A throwaway redis-server for queue tests (installed by .ci/setup): its own port and folder, no persistence,
 * killed with the test. `restart()` kills it hard and starts an empty one on the same port, as a crashed
 * Redis without persistence comes back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  readonly url: string;
  restart(): Promise<void>;
  kill(): void;
  stop(): Promise<void>;
}

const ping = (port: number): boolean => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';

export async function startRedis(): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: run `bash .ci/setup` (it installs Debian\'s redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-redis-'));
  let proc: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !ping(port); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ping(port)) throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = (): void => {
    proc?.kill('SIGKILL');
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      const p = proc;
      kill();
      if (p && p.exitCode === null) await new Promise((r) => p.once('exit', r));
      await launch();
    },
    async stop() {
      kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
