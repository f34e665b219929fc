/**
 * The fill part of a result's determinism hash: one line per fill, fields joined by "|", lines by "\n",
 * written as UTF-8 straight into one reused buffer that is hashed a buffer at a time. The same bytes as
 * hashing the joined text, without building a string per line (in a sweep those strings were a third of all
 * a backtest allocated).
 */
import type { Fill } from '../model/index.ts';

export interface ByteSink {
  update(bytes: Uint8Array): unknown;
}

export function hashFillLines(h: ByteSink, fills: readonly Fill[], tagOf: (clientOrderId: string) => string | undefined): void {
  const w = new LineWriter(h);
  for (let k = 0; k < fills.length; k++) {
    const f = fills[k]!;
    if (k > 0) w.byte(10);
    w.str(f.venue); w.byte(124);
    w.str(f.tradeId); w.byte(124);
    w.str(f.clientOrderId); w.byte(124);
    w.str(f.symbol); w.byte(124);
    w.str(f.side); w.byte(124);
    w.num(f.qty); w.byte(124);
    w.num(f.price); w.byte(124);
    w.str(f.fee.toString()); w.byte(124);
    w.str(f.liquidity); w.byte(124);
    w.num(f.ts); w.byte(124);
    w.str(tagOf(f.clientOrderId) ?? '');
  }
  w.flush();
}

const SIZE = 1 << 16;
/** Room kept free before a field is written: the longest field written byte by byte (a number's digits). */
const SLACK = 32;

class LineWriter {
  private readonly h: ByteSink;
  private readonly buf = new Uint8Array(SIZE);
  private readonly enc = new TextEncoder();
  private at = 0;

  constructor(h: ByteSink) {
    this.h = h;
  }

  byte(b: number): void {
    if (this.at >= SIZE) this.flush();
    this.buf[this.at++] = b;
  }

  /** ASCII byte by byte; anything else through the encoder (ids and tags are nearly always ASCII). */
  str(s: string): void {
    if (s.length > SIZE - SLACK) return this.wide(s);
    if (s.length + SLACK > SIZE - this.at) this.flush();
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
  num(n: number): void {
    if (!Number.isSafeInteger(n)) return this.str(String(n));
    if (SIZE - this.at < SLACK) this.flush();
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
    if (bytes.length > SIZE - this.at) this.flush();
    if (bytes.length > SIZE) {
      this.h.update(bytes);
      return;
    }
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  flush(): void {
    if (this.at > 0) this.h.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }
}
