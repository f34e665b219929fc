/** The REST side of the mock: Binance spot /api/v3 public endpoints over the mock's data. */
import { lowerBound } from '../../core/data/index.ts';
import { tradeAt, tradeCount, TRADES_PER_CANDLE, type MockSymbol } from './market.ts';
import type { FaultPlan } from './faults.ts';
import { aggTrade, apiError, depth, exchangeInfo, INTERVALS, klineRow, restTrade, ticker24h } from './wire.ts';

export interface RestReply {
  readonly status: number;
  readonly body: unknown;
  /** Pre-serialised JSON (hot endpoints build their body from cached row strings). */
  readonly raw?: string;
  /** Request weight charged, reported in x-mbx-used-weight-1m like Binance. */
  readonly weight: number;
}

export interface RestState {
  readonly symbols: ReadonlyMap<string, MockSymbol>;
  readonly faults: FaultPlan;
  /** Index (per symbol) one past the newest candle the live stream has published. */
  liveEnd(s: MockSymbol): number;
  /** Trades printed so far (live mode; default: all of the published candles'). */
  tradesEnd?(s: MockSymbol): number;
  /** The candle still forming, served as the last 1m row like Binance does (live mode). */
  forming?(s: MockSymbol): unknown[] | undefined;
}

const bad = (code: number, msg: string, status = 400): RestReply => ({ status, body: apiError(code, msg), weight: 1 });

function int(q: URLSearchParams, k: string): number | undefined | null {
  const v = q.get(k);
  if (v === null) return undefined;
  return /^-?\d{1,16}$/.test(v) ? Number(v) : null;
}

function limitOf(q: URLSearchParams, def: number, max: number): number | null {
  const l = int(q, 'limit');
  if (l === null) return null;
  if (l === undefined) return def;
  return l < 1 || l > max ? null : l;
}

export function handleRest(path: string, q: URLSearchParams, st: RestState, now: number): RestReply {
  const symbolOf = (): MockSymbol | RestReply => {
    const id = q.get('symbol');
    if (!id) return bad(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const s = st.faults.delisted.has(id) ? undefined : st.symbols.get(id);
    return s ?? bad(-1121, 'Invalid symbol.');
  };
  switch (path) {
    case '/api/v3/ping':
      return { status: 200, body: {}, weight: 1 };
    case '/api/v3/time':
      return { status: 200, body: { serverTime: now }, weight: 1 };
    case '/api/v3/exchangeInfo': {
      const one = q.get('symbol');
      const list = one ? [st.symbols.get(one)].filter((s): s is MockSymbol => !!s) : [...st.symbols.values()];
      if (one && list.length === 0) return bad(-1121, 'Invalid symbol.');
      return { status: 200, body: exchangeInfo(list, now, st.faults.delisted), weight: 20 };
    }
    case '/api/v3/uiKlines':
    case '/api/v3/klines': {
      const s = symbolOf();
      if (!('candles' in s)) return s;
      const interval = q.get('interval') ?? '';
      const iv = INTERVALS[interval];
      if (!iv) return bad(-1120, 'Invalid interval.');
      const limit = limitOf(q, 500, 1000);
      if (limit === null) return bad(-1130, "Data sent for parameter 'limit' is not valid.");
      const start = int(q, 'startTime');
      const end = int(q, 'endTime');
      if (start === null || end === null) return bad(-1100, 'Illegal characters found in a parameter.');
      const ts = s.candles.ts;
      const hi = end === undefined ? st.liveEnd(s) : Math.min(st.liveEnd(s), lowerBound(ts, end + 1));
      let i: number;
      if (start !== undefined) i = lowerBound(ts, iv === 60_000 ? start : Math.ceil(start / iv) * iv);
      else {
        // Newest `limit` buckets before the end: walk back bucket by bucket.
        i = hi;
        for (let k = 0; k < limit && i > 0; k++) {
          const b = ts[i - 1]! - (ts[i - 1]! % iv);
          while (i > 0 && ts[i - 1]! >= b) i--;
        }
      }
      const rows: string[] = [];
      const cache = iv === 60_000 ? (s.rowCache ??= new Array<string | undefined>(ts.length)) : undefined;
      while (rows.length < limit && i < hi) {
        const b = ts[i]! - (ts[i]! % iv);
        let j = i + 1;
        while (j < hi && ts[j]! < b + iv) j++;
        // Formatting a row costs ~20 µs (toFixed): 1m rows are formatted once and reused.
        rows.push(cache ? (cache[i] ??= JSON.stringify(klineRow(s, i, j, iv))) : JSON.stringify(klineRow(s, i, j, iv)));
        i = j;
      }
      const open = iv === 60_000 && rows.length < limit && i === st.liveEnd(s) ? st.forming?.(s) : undefined;
      if (open && (end === undefined || (open[0] as number) <= end)) rows.push(JSON.stringify(open));
      return { status: 200, body: null, raw: `[${st.faults.rows(rows).join(',')}]`, weight: 2 };
    }
    case '/api/v3/trades':
    case '/api/v3/historicalTrades': {
      const s = symbolOf();
      if (!('candles' in s)) return s;
      const limit = limitOf(q, 500, 1000);
      if (limit === null) return bad(-1130, "Data sent for parameter 'limit' is not valid.");
      const endId = Math.min(tradeCount(s), st.tradesEnd?.(s) ?? st.liveEnd(s) * TRADES_PER_CANDLE);
      const fromId = int(q, 'fromId');
      if (fromId === null) return bad(-1100, 'Illegal characters found in a parameter.');
      const from = path === '/api/v3/historicalTrades' && fromId !== undefined ? fromId : Math.max(0, endId - limit);
      const out: unknown[] = [];
      for (let id = Math.max(0, from); id < Math.min(endId, from + limit); id++) out.push(restTrade(s, tradeAt(s, id)));
      return { status: 200, body: st.faults.rows(out), weight: path === '/api/v3/trades' ? 25 : 25 };
    }
    case '/api/v3/aggTrades': {
      const s = symbolOf();
      if (!('candles' in s)) return s;
      const limit = limitOf(q, 500, 1000);
      if (limit === null) return bad(-1130, "Data sent for parameter 'limit' is not valid.");
      const fromId = int(q, 'fromId');
      const start = int(q, 'startTime');
      const end = int(q, 'endTime');
      if (fromId === null || start === null || end === null) return bad(-1100, 'Illegal characters found in a parameter.');
      const endId = Math.min(tradeCount(s), st.tradesEnd?.(s) ?? st.liveEnd(s) * TRADES_PER_CANDLE);
      let from: number;
      if (fromId !== undefined) from = fromId;
      else if (start !== undefined) {
        from = lowerBound(s.candles.ts, start - 45_000) * TRADES_PER_CANDLE;
        while (from < endId && tradeAt(s, from).time < start) from++;
      } else from = Math.max(0, endId - limit);
      const out: unknown[] = [];
      for (let id = Math.max(0, from); id < endId && out.length < limit; id++) {
        const t = tradeAt(s, id);
        if (end !== undefined && t.time > end) break;
        out.push(aggTrade(s, t));
      }
      return { status: 200, body: st.faults.rows(out), weight: 2 };
    }
    case '/api/v3/depth': {
      const s = symbolOf();
      if (!('candles' in s)) return s;
      const limit = limitOf(q, 100, 5000);
      if (limit === null) return bad(-1130, "Data sent for parameter 'limit' is not valid.");
      return { status: 200, body: depth(s, limit), weight: limit <= 100 ? 5 : 25 };
    }
    case '/api/v3/ticker/24hr': {
      const s = symbolOf();
      if (!('candles' in s)) return s;
      return { status: 200, body: ticker24h(s, st.liveEnd(s)), weight: 2 };
    }
    default:
      return { status: 404, body: apiError(-1000, `Unknown endpoint ${path.slice(0, 100)}`), weight: 1 };
  }
}
