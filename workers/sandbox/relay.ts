/**
 * Relay thread of a SandboxLink (sync-link.ts): starts the sandbox process, forwards each request the host
 * thread leaves in shared memory, writes the reply back and wakes the host thread. Watches the process's
 * memory and records why it ended, so the waiting host thread can report it.
 */
import { workerData } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import { spawnSandbox, useSandboxRuntime, type SandboxRuntime } from './spawn.ts';
import { CAPACITY, DEAD, IDLE, READY, REPLY, REQUEST, waitChange } from './sync-link.ts';

const { ctrl, data, memoryMb, runtime } = workerData as { ctrl: Int32Array; data: Uint8Array; memoryMb: number; runtime: SandboxRuntime };
useSandboxRuntime(runtime);
const child = spawnSandbox({ memoryMb });
Atomics.store(ctrl, 2, child.pid ?? 0);
const rssLimit = memoryMb + 256;
let dead = false;
let onReply: ((m: unknown) => void) | undefined;

const write = (value: unknown): number => {
  let body = serialize(value);
  if (body.length > CAPACITY) body = serialize({ ok: false, message: `the strategy's reply of ${body.length} bytes is too large` });
  data.set(body, 0);
  Atomics.store(ctrl, 1, body.length);
  return body.length;
};

const die = (reason: string): void => {
  if (dead) return;
  dead = true;
  clearInterval(watch);
  write({ reason });
  Atomics.store(ctrl, 0, DEAD);
  Atomics.notify(ctrl, 0);
  Atomics.notify(ctrl, 3);
  child.kill();
  process.exit(0);
};

const watch = setInterval(() => {
  const rss = child.rssMb();
  if (rss !== undefined && rss > rssLimit) die(`strategy exceeded its memory limit (${memoryMb} MB heap, ${rssLimit} MB in all); stopped`);
}, 100);

child.onMessage((m) => {
  if ((m as { type?: unknown })?.type === 'ready') {
    Atomics.store(ctrl, 3, READY);
    Atomics.notify(ctrl, 3);
    return;
  }
  const f = onReply;
  onReply = undefined;
  if (f) f(m);
  else die('the strategy sandbox spoke out of turn; stopped');
});
child.onExit((code, signal, stderr) => {
  if (/heap out of memory|Reached heap limit|allocation failed/i.test(stderr)) die(`strategy exceeded its memory limit (${memoryMb} MB); stopped`);
  else die(`the strategy sandbox ended (${signal ?? `exit code ${code}`})`);
});
child.send({ type: 'paper' });

/** Waits while the state is `state` (the host thread moves it on). */
async function whileState(state: number): Promise<void> {
  while (Atomics.load(ctrl, 0) === state) await waitChange(ctrl, 0, state);
}

for (;;) {
  await whileState(IDLE);
  if (dead || Atomics.load(ctrl, 0) !== REQUEST) break;
  const request = deserialize(data.slice(0, Atomics.load(ctrl, 1)));
  const reply = await new Promise<unknown>((resolve) => {
    onReply = resolve;
    child.send(request);
  });
  write(reply);
  Atomics.store(ctrl, 0, REPLY);
  Atomics.notify(ctrl, 0);
  // The host thread reads the reply and sets IDLE — and may send the next request at once (REQUEST).
  await whileState(REPLY);
}
