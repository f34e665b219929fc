/**
 * The sandbox process's replies: V8-serialised values, each framed by its byte length (4 bytes, LE), on
 * the child's stdout. Written synchronously: a backtest runs without yielding to the event loop, and an
 * asynchronous IPC write that once finds the pipe full would sit in the queue until the run ends (the
 * watchdog would then see a stall that is not one). A blocking write waits for the parent to read instead.
 */
import { writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/** Largest reply the host accepts (a 1M-candle result is ~40 MB). */
export const MAX_FRAME = 1 << 30;

export function writeFrame(fd: number, value: unknown): void {
  const body = serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  const all = Buffer.concat([head, body]);
  for (let at = 0; at < all.length; ) at += writeSync(fd, all, at, all.length - at);
}

/** Feeds stdout chunks, calls `onFrame` with each complete value; throws on a frame over MAX_FRAME. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private need = -1;
  private readonly onFrame: (v: unknown) => void;

  constructor(onFrame: (v: unknown) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.size < 4) return;
        this.need = this.take(4).readUInt32LE(0);
        if (this.need > MAX_FRAME) throw new Error(`reply of ${this.need} bytes is over the limit`);
      }
      if (this.size < this.need) return;
      const body = this.take(this.need);
      this.need = -1;
      this.onFrame(deserialize(body));
    }
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return out;
  }
}
