/**
 * The message gate: every websocket message of one venue connection passes here before ccxt's own handler
 * sees it. It measures (message count, last message time, the venue's event time for lag) and it drops
 * what would corrupt ccxt's caches: a frame that did not parse (malformed), the same event twice
 * (duplicate), an event older than one already handled on the same stream (out of order, e.g. a late
 * kline update that would overwrite a newer state of the bar). Dropped messages are counted, never fatal.
 *
 * Binance-format venues (Kestrel Sim and the binance family) are checked field by field; other venues'
 * messages are counted and only unparseable frames are dropped (their formats vary too much to police).
 * The gate also remembers each kline's final update (`x: true`), which tells the live-bar writer that a
 * bar it got from the stream is the venue's closed bar and needs no REST confirmation.
 */
import type { Bar } from '../../contract/streams.ts';
import { DECIMAL_TEXT } from '../../core/model/number-text.ts';

export interface GateCounters {
  messages: number;
  malformed: number;
  duplicate: number;
  outOfOrder: number;
  /** performance-free wall clock of the last message (Date.now()), or 0. */
  lastMessageAt: number;
  /** The venue's event time (ms) of the last message that carried one, and when it arrived. */
  lastEventTime: number | null;
  lastEventAt: number;
}

/** A closed kline as the venue sent it: exchange market id, bar. */
export type FinalKline = (marketId: string, interval: string, bar: Bar) => void;

interface Hookable {
  handleMessage(client: unknown, message: unknown): unknown;
}

const BINANCE_FAMILY = new Set(['binance', 'binanceus']);

/**
 * A finite number or a string that is one. Venues send prices as plain decimals ("42001.23000000"): those
 * are recognised by one scan of their characters (an order-book diff carries ~100 of them and the gate
 * checks every one; converting each with Number() was most of the gate's time); anything else, e.g. an
 * exponent, is left to Number().
 */
function numeric(v: unknown): boolean {
  if (typeof v !== 'string') return typeof v === 'number' && Number.isFinite(v);
  const n = v.length;
  let i = n > 0 && (v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43) ? 1 : 0;
  let digits = 0;
  let dot = false;
  // Beyond ~300 digits a decimal overflows to Infinity: Number() decides.
  if (n <= 300) {
    for (; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 46 && !dot) dot = true;
      else break;
    }
    if (i === n) return digits > 0;
  }
  // Number(' ') is 0 and Number('0x10') is 16: only decimal text may reach Number().
  return DECIMAL_TEXT.test(v) && Number.isFinite(Number(v));
}

function levels(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!Array.isArray(l) || l.length < 2 || !numeric(l[0]) || !numeric(l[1])) return false;
  }
  return true;
}

export class MessageGate {
  readonly counters: GateCounters = { messages: 0, malformed: 0, duplicate: 0, outOfOrder: 0, lastMessageAt: 0, lastEventTime: null, lastEventAt: 0 };
  private readonly strict: boolean;
  /** Per stream (event type + market + interval): the ordering key of the newest event handled. */
  private readonly newest = new Map<string, { a: number; b: number; body: unknown }>();
  private readonly now: () => number;
  /** Told of every message (after the counters moved) and of every final kline. One per feed on this connection. */
  readonly listeners = new Set<{ message(): void; finalKline: FinalKline }>();

  constructor(exchange: string, now: () => number = Date.now) {
    this.strict = BINANCE_FAMILY.has(exchange);
    this.now = now;
  }

  /**
   * Puts the gate in front of an exchange instance's handler; must run before its first websocket opens.
   * Frames still draining from a connection ccxt has already replaced (dropped on a stall, closed by the
   * venue) are ignored: their futures are gone, and letting them through would mark the new connection's
   * copies of the same events as duplicates.
   */
  install(ex: unknown): void {
    const target = ex as Hookable & { clients?: Record<string, unknown> };
    const original = target.handleMessage.bind(target);
    target.handleMessage = (client: unknown, message: unknown) => {
      const c = client as { url?: string; connection?: { terminate?(): void } } | undefined;
      if (c?.url !== undefined && target.clients?.[c.url] !== client) {
        // A replaced connection that still (or newly) delivers: nothing waits on it any more.
        c.connection?.terminate?.();
        return undefined;
      }
      if (this.admit(message)) return original(client, message);
      return undefined;
    };
  }

  /** True when the message should reach ccxt. */
  admit(message: unknown): boolean {
    const c = this.counters;
    c.messages++;
    c.lastMessageAt = this.now();
    for (const l of this.listeners) l.message();
    // ccxt hands a frame that failed JSON.parse through as the raw string.
    if (message === null || typeof message !== 'object') {
      c.malformed++;
      return false;
    }
    if (!this.strict) return true;
    let m = message as Record<string, unknown>;
    if (typeof m.stream === 'string' && m.data && typeof m.data === 'object') m = m.data as Record<string, unknown>;
    const e = m.e;
    // Subscription acknowledgements and errors ({ result, id }, { code, msg }) carry no event: ccxt's.
    if (typeof e !== 'string') return true;
    if (!numeric(m.E) || typeof m.s !== 'string') return this.bad();
    const E = Number(m.E);
    let key: string;
    let a: number;
    let b = E;
    switch (e) {
      case 'kline': {
        const k = m.k as Record<string, unknown> | undefined;
        if (!k || typeof k !== 'object' || !numeric(k.t) || typeof k.i !== 'string' || typeof k.x !== 'boolean') return this.bad();
        if (!numeric(k.o) || !numeric(k.h) || !numeric(k.l) || !numeric(k.c) || !numeric(k.v)) return this.bad();
        key = `k|${m.s}|${k.i}`;
        a = Number(k.t);
        // A closed update outranks every open one of the same bar, whatever their event times.
        b = k.x ? Number.MAX_SAFE_INTEGER : E;
        break;
      }
      case 'trade':
      case 'aggTrade': {
        const id = e === 'trade' ? m.t : m.a;
        if (!numeric(id) || !numeric(m.p) || !numeric(m.q) || !numeric(m.T)) return this.bad();
        key = `${e}|${m.s}`;
        a = Number(id);
        b = 0;
        break;
      }
      case 'depthUpdate': {
        if (!numeric(m.U) || !numeric(m.u) || !levels(m.b) || !levels(m.a)) return this.bad();
        key = `d|${m.s}`;
        a = Number(m.u);
        b = 0;
        break;
      }
      case '24hrTicker':
      case '24hrMiniTicker':
      case 'bookTicker': {
        if (e !== 'bookTicker' && !numeric(m.c)) return this.bad();
        key = `${e}|${m.s}`;
        a = E;
        b = 0;
        break;
      }
      default:
        return true;
    }
    // A kline's body is kept as the parsed object and serialised only to tell two updates with the same
    // event time apart (rare): a duplicate is the same content, a correction is not.
    const body = e === 'kline' ? m.k : undefined;
    const prev = this.newest.get(key);
    if (prev) {
      if (a < prev.a || (a === prev.a && b < prev.b)) return this.drop('outOfOrder');
      if (a === prev.a && b === prev.b && (e !== 'kline' || (prev.body !== undefined && JSON.stringify(body) === JSON.stringify(prev.body)))) return this.drop('duplicate');
      prev.a = a;
      prev.b = b;
      prev.body = body;
    } else this.newest.set(key, { a, b, body });
    c.lastEventTime = E;
    c.lastEventAt = c.lastMessageAt;
    if (e === 'kline' && b === Number.MAX_SAFE_INTEGER && this.listeners.size) {
      const k = m.k as Record<string, string | number>;
      const bar = { ts: Number(k.t), open: Number(k.o), high: Number(k.h), low: Number(k.l), close: Number(k.c), volume: Number(k.v) };
      for (const l of this.listeners) l.finalKline(String(m.s), String(k.i), bar);
    }
    return true;
  }

  /** Forget ordering state (after a reconnect the venue may legitimately resend the current bar). */
  resetOrdering(): void {
    for (const [k, v] of this.newest) if (k.startsWith('d|')) this.newest.delete(k);
    else v.body = undefined;
  }

  private bad(): false {
    this.counters.malformed++;
    return false;
  }

  private drop(kind: 'outOfOrder' | 'duplicate'): false {
    this.counters[kind]++;
    return false;
  }
}
