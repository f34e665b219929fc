/**
 * The host's market replay (contract: main/contract/replay.ts): one ReplaySession (replay.ts) at a time over
 * the market store's candles of one or more symbols, driven by a wall-clock timer while it plays, its progress
 * pushed as batched `replay.update` events (at most one per DRIVE_MS). The Trade workspace's ticket, chart,
 * blotter and positions act on it through the trading commands (its account id routes them here:
 * handlers/trading.ts); it never touches the trader's paper accounts.
 *
 * Instruments: the venue's own market (tick, lot, min notional) when the host can list the venue's markets,
 * the demo grids for demo data, else a grid inferred from the stored prices (stated in the status).
 */
import type { MarketEntry } from '../../contract/streams.ts';
import type { ReplayBar, ReplayControl, ReplayStatus } from '../../contract/replay.ts';
import type { ResponseOf } from '../../contract/index.ts';
import type { PriceTick, SessionView } from '../../contract/trading.ts';
import type { EquityHistoryView } from '../../contract/equity.ts';
import { aggregateColumns } from '../../core/data/aggregate.ts';
import { concatColumns, sliceColumns, timeframeMs } from '../../core/data/candles.ts';
import type { OhlcvColumns } from '../../core/data/candles.ts';
import { DEFAULT_DEMO_SYMBOLS, DEMO_EXCHANGE } from '../../core/data/demo.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import { KestrelError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { defineInstrument, type CandleColumns, type Instrument } from '../../core/model/index.ts';
import type { HostContext } from '../context.ts';
import { PAPER_DEFAULTS } from './accounts.ts';
import { demoInstrumentSpecs, venueInstrumentSpecs } from './instruments.ts';
import { replayAccount, ReplaySession, type ReplayMarket, type ReplaySpeed } from './replay.ts';
import type { TradingSession } from './session.ts';

/** Timer period while playing: also the most often an update is pushed. */
export const DRIVE_MS = 100;
/** Bars the chart gets at most (context before the range included). */
const CHART_BARS = 2_000;
/** Longest replay: a year of 1m bars and then some. */
const MAX_BARS = 1_000_000;
/** How far back the price before a replay's range is looked for. */
const DAY_MS = 86_400_000;
/** An update carrying more bars than this asks the UI to reload instead (max speed). */
const EVENT_BARS = 500;

export const CANDLE_FILL_MODEL =
  'Candles only: a market order fills at the next bar\u2019s open; a resting limit or stop fills when the bar\u2019s path (open \u2192 nearer extreme \u2192 farther extreme \u2192 close) reaches it, limits at their price (touch, no queue); no book, no slippage beyond gaps at the open.';

export interface ReplayCatalog {
  get(id: string, version?: number): { id: string; name: string; kind: string; version: { version: number } };
  strategyFor(id: string, version?: number, params?: Readonly<Record<string, number>>): Strategy;
}

export interface ReplayServiceDeps {
  /** Closed stored bars of a dataset opening in [from, to) (MarketService.candles), aggregated from 1m when not stored as such. */
  readonly candles: (q: { source: string; symbol: string; timeframe: string; from: number; to: number }) => OhlcvColumns;
  /** A venue's market for `symbol` (tick, lot, min notional); undefined when the venue is unknown or unreachable. */
  readonly market?: (source: string, symbol: string) => Promise<MarketEntry | undefined>;
  readonly catalog?: () => ReplayCatalog;
  readonly emit: HostContext['emit'];
  readonly log: HostContext['log'];
  readonly now?: () => number;
}

export interface ReplayStart {
  readonly source: string;
  readonly symbol: string;
  /** More symbols of the same source, replayed in step with `symbol`. */
  readonly symbols?: readonly string[] | undefined;
  readonly timeframe?: string | undefined;
  readonly from: number;
  readonly to: number;
  readonly speed?: ReplaySpeed | undefined;
  readonly startingBalance?: string | undefined;
  readonly play?: boolean | undefined;
  readonly strategyId?: string | undefined;
  readonly strategyVersion?: number | undefined;
  readonly params?: Readonly<Record<string, number>> | undefined;
}

interface Running {
  readonly replay: ReplaySession;
  readonly timeframe: string;
  readonly strategy: ReplayStatus['strategy'];
  readonly startedAt: number;
}

export class ReplayService {
  private readonly d: ReplayServiceDeps;
  private readonly now: () => number;
  private cur: Running | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private n = 0;
  /** Serialises start and seek (both await): a command never sees a half-built replay. */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(d: ReplayServiceDeps) {
    this.d = d;
    this.now = d.now ?? Date.now;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.busy.then(fn, fn);
    this.busy = p.catch(() => undefined);
    return p;
  }

  start(r: ReplayStart): Promise<ReplayStatus> {
    return this.exclusive(async () => {
      const timeframe = r.timeframe ?? '1m';
      const tf = timeframeMs(timeframe);
      if (!(r.to > r.from)) throw new ValidationError('The replay range is empty: "to" must be after "from"', [{ path: 'to', message: 'must be after from' }]);
      if ((r.to - r.from) / tf > MAX_BARS) throw new ValidationError(`The replay range is too long: at most ${MAX_BARS} ${timeframe} bars`, [{ path: 'to', message: 'range too long' }]);
      const symbols = [...new Set([r.symbol, ...(r.symbols ?? [])])];
      const markets: ReplayMarket[] = [];
      for (const symbol of symbols) {
        const cols = this.d.candles({ source: r.source, symbol, timeframe, from: r.from, to: r.to - tf + 1 });
        if (cols.ts.length === 0) throw new NotFoundError('candles', `${r.source} ${symbol} ${timeframe} between ${new Date(r.from).toISOString()} and ${new Date(r.to).toISOString()}`);
        const bars: CandleColumns = { ...cols, length: cols.ts.length, intervalMs: tf };
        markets.push({ instrument: await this.instrument(r.source, symbol, bars), bars });
      }
      const opening = Object.fromEntries(symbols.flatMap((symbol) => {
        const close = this.closeBefore(r.source, symbol, timeframe, r.from);
        return close === undefined ? [] : [[symbol, close]];
      }));
      const [first, ...others] = markets;
      const currency = first!.instrument.quote;
      const odd = others.find((m) => m.instrument.quote !== currency);
      if (odd) throw new ValidationError(`${odd.instrument.symbol} is priced in ${odd.instrument.quote}, the replay's account in ${currency}: one quote currency per replay`, [{ path: 'symbols', message: 'one quote currency' }]);
      const strategy = this.strategy(r);
      const id = `replay-${this.now().toString(36)}-${++this.n}`;
      const replay = await ReplaySession.create({
        id, source: r.source, instrument: first!.instrument, bars: first!.bars, others, currency, startingBalance: r.startingBalance ?? PAPER_DEFAULTS.startingBalance,
        speed: r.speed ?? 100, ...(strategy ? { strategy: strategy.create } : {}), opening,
      });
      this.stopCurrent();
      this.cur = { replay, timeframe, strategy: strategy?.info ?? null, startedAt: this.now() };
      this.d.log.info({ replay: id, source: r.source, symbols, timeframe, steps: replay.feed.total, strategy: r.strategyId ?? null }, 'replay started');
      if (r.play) this.control({ action: 'play' });
      this.push(true);
      return this.status()!;
    });
  }

  /** The close of the last stored bar before `from` (within a day of it): the price at the clock before the first bar. */
  private closeBefore(source: string, symbol: string, timeframe: string, from: number): number | undefined {
    const tf = timeframeMs(timeframe);
    const start = from - (from % tf);
    const c = this.d.candles({ source, symbol, timeframe, from: start - Math.max(tf, DAY_MS), to: start });
    return c.ts.length ? c.close[c.ts.length - 1] : undefined;
  }

  private strategy(r: ReplayStart): { info: NonNullable<ReplayStatus['strategy']>; create: () => Promise<Strategy> } | undefined {
    if (r.strategyId === undefined) return undefined;
    if (!this.d.catalog) throw new ValidationError('This host has no strategy catalog', [{ path: 'strategyId', message: 'unavailable' }]);
    const catalog = this.d.catalog();
    const saved = catalog.get(r.strategyId, r.strategyVersion);
    return {
      info: { id: saved.id, name: saved.name, version: saved.version.version },
      create: async () => {
        const s = catalog.strategyFor(r.strategyId!, saved.version.version, r.params);
        // A code strategy's sandbox loads first: one that does not load fails the start, not the replay.
        await (s as { ready?: () => Promise<void> }).ready?.();
        return s;
      },
    };
  }

  private async instrument(source: string, symbol: string, bars: CandleColumns): Promise<Instrument> {
    const m = source === DEMO_EXCHANGE ? undefined : await this.d.market?.(source, symbol).catch((e: unknown) => {
      this.d.log.warn({ source, symbol, err: String(e) }, 'replay: venue market unavailable, grid inferred from the stored prices');
      return undefined;
    });
    return replayInstrument(source, symbol, bars, m);
  }

  /** The running replay's status, or null. */
  status(): ReplayStatus | null {
    const c = this.cur;
    if (!c) return null;
    const r = c.replay;
    const inst = r.input.instrument;
    const acct = r.session.account();
    const f = r.feed;
    return {
      id: r.input.id, account: replayAccount(r.input.id), source: r.input.source, symbol: inst.symbol, symbols: r.markets.map((m) => m.instrument.symbol), timeframe: c.timeframe,
      from: f.from, to: f.to, clock: r.clock, speed: r.speed, state: r.state,
      barsDone: f.delivered, barsTotal: f.total, currency: acct.currency, startingBalance: acct.startingBalance, equity: acct.equity,
      lastPrice: r.lastPrice(inst.symbol), tickSize: inst.tickSize, lotSize: inst.lotSize,
      strategy: c.strategy, strategyError: r.strategyFault, fillModel: CANDLE_FILL_MODEL, tradingState: r.session.engine.tradingState,
    };
  }

  private running(): ReplaySession {
    if (!this.cur) throw new KestrelError('conflict', 'No replay is running: start one first');
    return this.cur.replay;
  }

  async control(c: ReplayControl): Promise<ReplayStatus | null> {
    checkControl(c);
    if (c.action === 'seek') {
      return this.exclusive(async () => {
        const r = this.running();
        const before = r.feed.delivered;
        await r.seek(c.ts!, this.now());
        this.push(r.feed.delivered < before);
        return this.status();
      });
    }
    await this.busy;
    const r = this.running();
    switch (c.action) {
      case 'play':
        r.play(this.now());
        this.drive();
        break;
      case 'pause':
        r.pause();
        break;
      case 'step':
        for (let i = 0; i < (c.bars ?? 1); i++) if (r.step() === 0) break;
        break;
      case 'speed':
        r.setSpeed(c.speed!, this.now());
        break;
      case 'stop':
        this.stopCurrent();
        this.d.emit('replay.update', { status: null, bars: [], orders: [], fills: [], reset: true, prices: [], account: null, positions: [], equity: [] });
        return null;
    }
    this.push(false);
    return this.status();
  }

  private drive(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const c = this.cur;
      if (!c || c.replay.state !== 'playing') return this.halt();
      try {
        c.replay.tick(this.now());
      } catch (e) {
        c.replay.pause();
        this.d.log.warn({ err: String(e) }, 'replay: a bar failed, paused');
      }
      this.push(false);
      if (c.replay.state !== 'playing') this.halt();
    }, DRIVE_MS);
    this.timer.unref?.();
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private push(reset: boolean): void {
    const c = this.cur;
    if (!c) return;
    const ch = c.replay.drain();
    const many = ch.bars.length > EVENT_BARS;
    const s = c.replay.session;
    this.d.emit('replay.update', {
      status: this.status(), bars: many || reset ? [] : ch.bars.map(bar), orders: ch.orders, fills: ch.fills, reset: reset || many,
      prices: c.replay.prices(), account: s.account(), positions: s.positions(), equity: many || reset ? [] : ch.equity,
    });
  }

  /**
   * The chart's bars of one symbol (never one after the clock), newest last: closed bars of `timeframe` before the
   * range start's bucket from the store, then the replay's own bars (context before the range, then the delivered
   * ones) aggregated to `timeframe`: the last bar is the part of its bucket the clock has passed.
   */
  bars(q: { symbol?: string | undefined; timeframe?: string | undefined; limit?: number | undefined } = {}): ResponseOf<'replay.bars'> {
    const c = this.cur;
    if (!c) throw new KestrelError('conflict', 'No replay is running: start one first');
    const r = c.replay;
    const symbol = q.symbol ?? r.input.instrument.symbol;
    const market = r.markets.find((m) => m.instrument.symbol === symbol);
    if (!market) throw new NotFoundError('replay symbol', symbol);
    const timeframe = q.timeframe ?? c.timeframe;
    const tfR = r.input.bars.intervalMs;
    const tfC = timeframeMs(timeframe);
    if (tfC < tfR || tfC % tfR !== 0) throw new ValidationError(`A ${c.timeframe} replay is charted at ${c.timeframe} or a multiple of it, not ${timeframe}`, [{ path: 'timeframe', message: `a multiple of ${c.timeframe}` }]);
    const limit = q.limit ?? CHART_BARS;
    const source = r.input.source;
    const from = r.feed.from;
    const cut = from - (from % tfC);
    const older = this.d.candles({ source, symbol, timeframe, from: cut - limit * tfC, to: cut });
    const lead = tfC === tfR ? sliceColumns(older, 0, 0) : this.d.candles({ source, symbol, timeframe: c.timeframe, from: cut, to: from });
    const done = sliceColumns(market.bars, 0, r.feed.deliveredOf(symbol));
    const recent = concatColumns([lead, done]);
    const all = concatColumns([older, tfC === tfR ? recent : aggregateColumns(recent, tfC)]);
    const n = all.ts.length;
    const out = sliceColumns(all, Math.max(0, n - limit), n);
    return {
      source, symbol, timeframe, baseTimeframe: c.timeframe, synthetic: source === DEMO_EXCHANGE, label: null, count: out.ts.length,
      // Copies: a slice is a view of a larger buffer, and the wire would carry all of it.
      ts: new Float64Array(out.ts), open: new Float64Array(out.open), high: new Float64Array(out.high), low: new Float64Array(out.low), close: new Float64Array(out.close), volume: new Float64Array(out.volume),
    };
  }

  // ───────────── the replay as the Trade workspace's session (trading commands with its account id) ─────────────

  /** The running replay named by `account` (a trading command's account id): an ended one is not found. */
  private owned(account: string): ReplaySession {
    const r = this.cur?.replay;
    if (!r || replayAccount(r.input.id) !== account) throw new NotFoundError('replay', `${account} (it has been stopped or replaced)`);
    return r;
  }

  /** Its session, for the trading commands that only read (views, preview). */
  async session(account: string): Promise<TradingSession> {
    await this.busy;
    return this.owned(account).session;
  }

  /** Its last prices at the replay clock (before its first bar: the close before the range, which the chart shows). */
  async prices(account: string): Promise<PriceTick[]> {
    await this.busy;
    return this.owned(account).prices();
  }

  /** The replay account's equity history over replay time (kept in memory: a replay writes nothing to the ledger). */
  async equityHistory(account: string, r: { from?: number | undefined; to?: number | undefined; limit?: number | undefined }): Promise<EquityHistoryView> {
    await this.busy;
    return this.owned(account).equityHistory(r);
  }

  async sessionView(account: string): Promise<SessionView> {
    await this.busy;
    const r = this.owned(account);
    const st = this.status()!;
    return {
      sessionId: r.input.id, accountId: replayAccount(r.input.id), account, accountName: `Replay ${st.symbols.join(', ')}`, mode: 'paper', venue: r.input.source,
      feed: `replay of stored ${r.input.source} ${st.timeframe} candles`, feedTickMs: 0, startedAt: this.cur!.startedAt, status: 'running',
    };
  }

  /** The trader's order commands on the replay `account` names: recorded by it (a backward seek re-applies them), pushed at once. */
  async command<T>(account: string, fn: (r: ReplaySession) => T): Promise<T> {
    await this.busy;
    const out = fn(this.owned(account));
    this.push(false);
    return out;
  }

  private stopCurrent(): void {
    this.halt();
    this.cur?.replay.close();
    this.cur = undefined;
  }

  close(): void {
    this.stopCurrent();
  }
}

/** The fields each action takes: a missing one, or one meant for another action, is a validation error. */
const CONTROL_FIELDS: Record<ReplayControl['action'], { readonly needs?: 'ts' | 'speed'; readonly may?: 'bars' }> = {
  play: {}, pause: {}, stop: {}, step: { may: 'bars' }, seek: { needs: 'ts' }, speed: { needs: 'speed' },
};

function checkControl(c: ReplayControl): void {
  const rule = CONTROL_FIELDS[c.action];
  for (const f of ['ts', 'speed', 'bars'] as const) {
    const allowed = rule.needs === f || rule.may === f;
    if (c[f] !== undefined && !allowed) throw new ValidationError(`"${c.action}" takes no ${f}`, [{ path: f, message: `not used by ${c.action}` }]);
    if (rule.needs === f && c[f] === undefined) throw new ValidationError(`"${c.action}" needs ${f}`, [{ path: f, message: 'required' }]);
  }
}

function bar(c: { symbol: string; ts: number; open: number; high: number; low: number; close: number; volume: number }): ReplayBar {
  return { symbol: c.symbol, ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}

/** A replay's instrument: the venue's market when known, the demo grid for demo data, else inferred from the bars. */
export function replayInstrument(source: string, symbol: string, bars: CandleColumns, market?: MarketEntry, grid?: { tickSize?: string | undefined; lotSize?: string | undefined }): Instrument {
  const fees = { makerFee: PAPER_DEFAULTS.makerFee, takerFee: PAPER_DEFAULTS.takerFee };
  const demo = source === DEMO_EXCHANGE ? demoInstrumentSpecs('replay', fees, DEFAULT_DEMO_SYMBOLS).find((s) => s.symbol === symbol) : undefined;
  const spec = demo ?? (market ? { ...venueInstrumentSpecs([market], fees)[0]!, venue: 'replay' } : inferredSpec(symbol, bars, fees));
  return defineInstrument({ ...spec, ...(grid?.tickSize ? { tickSize: grid.tickSize } : {}), ...(grid?.lotSize ? { lotSize: grid.lotSize } : {}) });
}

/** A grid from the data when the venue's market is unknown: the finest price decimals seen (≤ 8), lot 0.0001. */
export function inferredSpec(symbol: string, bars: CandleColumns, fees: { makerFee: string; takerFee: string }) {
  let decimals = 0;
  const n = Math.min(bars.length, 5_000);
  for (let i = 0; i < n && decimals < 8; i++) {
    for (const v of [bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!]) {
      while (decimals < 8 && Math.abs(v * 10 ** decimals - Math.round(v * 10 ** decimals)) > 1e-6) decimals++;
    }
  }
  const [base = symbol, quote = 'USD'] = symbol.split(/[/:]/);
  const step = (d: number) => (d <= 0 ? '1' : `0.${'0'.repeat(d - 1)}1`);
  return { symbol, venue: 'replay', base, quote, kind: 'spot' as const, tickSize: step(decimals), lotSize: '0.0001', makerFee: fees.makerFee, takerFee: fees.takerFee };
}
