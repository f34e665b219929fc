/**
 * The fill part of a result's determinism hash: one line per fill, fields joined by "|", lines by "\n",
 * written as UTF-8 straight into a reused buffer. The same bytes as the joined text, without building a
 * string per line (in a sweep those strings were a third of all a backtest allocated).
 *
 * Two ways to use the bytes: hand them to a hasher a buffer at a time (a list of fills known up front), or
 * keep them all (a run's fills as they happen: the hash starts with the statistics, known only at the end).
 */
import type { Fill } from '../model/index.ts';

export interface ByteSink {
  update(bytes: Uint8Array): unknown;
}

export function hashFillLines(h: ByteSink, fills: readonly Fill[], tagOf: (clientOrderId: string) => string | undefined): void {
  const w = new FillLines(h);
  for (let k = 0; k < fills.length; k++) {
    const f = fills[k]!;
    w.add(f, tagOf(f.clientOrderId));
  }
  w.flush();
}

const SIZE = 1 << 16;
/** Room kept free before a field is written: the longest field written byte by byte (a number's digits). */
const SLACK = 32;

/**
 * Fill lines written one fill at a time. With a sink, a full buffer goes to the sink and is reused; without
 * one, the buffer grows and keeps every line until read by bytes() (and is reused after clear()).
 */
export class FillLines {
  private readonly h: ByteSink | undefined;
  private buf = new Uint8Array(SIZE);
  private readonly enc = new TextEncoder();
  private at = 0;
  private lines = 0;

  constructor(sink?: ByteSink) {
    this.h = sink;
  }

  /** `tag`: the tag of the fill's order. */
  add(f: Fill, tag: string | undefined): void {
    if (this.lines++ > 0) this.byte(10);
    this.str(f.venue); this.byte(124);
    this.str(f.tradeId); this.byte(124);
    this.str(f.clientOrderId); this.byte(124);
    this.str(f.symbol); this.byte(124);
    this.str(f.side); this.byte(124);
    this.num(f.qty); this.byte(124);
    this.num(f.price); this.byte(124);
    this.str(f.fee.toString()); this.byte(124);
    this.str(f.liquidity); this.byte(124);
    this.num(f.ts); this.byte(124);
    this.str(tag ?? '');
  }

  /** Every line written since clear() (kept lines only: with a sink they have gone to it). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  clear(): void {
    this.at = 0;
    this.lines = 0;
  }

  /** Hands what is buffered to the sink (nothing to do when lines are kept). */
  flush(): void {
    if (!this.h) return;
    if (this.at > 0) this.h.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }

  /** At least n bytes free: the buffer goes to the sink, or grows when lines are kept. */
  private room(n: number): void {
    if (this.buf.length - this.at >= n) return;
    if (this.h) {
      this.flush();
      if (this.buf.length >= n) return;
    }
    let size = this.buf.length * 2;
    while (size - this.at < n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
  }

  private byte(b: number): void {
    if (this.at >= this.buf.length) this.room(1);
    this.buf[this.at++] = b;
  }

  /** ASCII byte by byte; anything else through the encoder (ids and tags are nearly always ASCII). */
  private str(s: string): void {
    if (s.length > SIZE - SLACK) return this.wide(s);
    if (s.length + SLACK > this.buf.length - this.at) this.room(s.length + SLACK);
    const b = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.at = at;
        this.wide(s.slice(i));
        return;
      }
      b[at++] = c;
    }
    this.at = at;
  }

  /** A number as `${n}` would print it; safe integers are written digit by digit. */
  private num(n: number): void {
    if (!Number.isSafeInteger(n)) return this.str(String(n));
    if (this.buf.length - this.at < SLACK) this.room(SLACK);
    const b = this.buf;
    let v = n;
    if (v < 0) {
      b[this.at++] = 45;
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      b[--at] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  private wide(s: string): void {
    const bytes = this.enc.encode(s);
    // Longer than a buffer: straight to the sink, in order, rather than through a grown buffer.
    if (this.h && bytes.length > SIZE) {
      this.flush();
      this.h.update(bytes);
      return;
    }
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }
}
