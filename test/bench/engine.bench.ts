/**
 * Engine throughput: 1M one-minute candles, an SMA(50/200) crossover (long 1.000 BTC when fast > slow,
 * flat otherwise: ~6,400 market orders), filling at the next bar's open with a 10 bp taker fee.
 *
 * ours: the full kernel — strategy hook → risk gate (with limits) → OMS (intent stored) → paper venue
 *       (intrabar path matching) → exact bigint ledger → equity curve, composed as the backtest worker
 *       composes it: with a NullAuditSink (enabled: false), since a backtest is audited as a whole by its
 *       result, not per simulated order. A second figure runs the same with an enabled (counting) audit sink,
 *       so the cost of building every signal/verdict/order/fill audit event is visible too.
 * peer: a typical object-oriented backtester written here with the same semantics: a Candle object per bar
 *       (prepared outside the timing), an EventEmitter bus, strategy/broker/portfolio classes, positions in a
 *       Map by symbol, order objects, float cash, an equity curve of {time, equity} points. Its strategy uses
 *       the same running-sum SMA as ours, so the comparison is about the engine, not the indicator.
 * Both must produce the identical trade list (bar, side, qty, price) and the same final equity before a
 * ratio is printed. Both sides keep their primed (small-run) state alive for the whole process (see below);
 * each timed case keeps only its trades and final equity. BENCH_SAMPLES=1 prints every timed round.
 */
import { EventEmitter } from 'node:events';
import { defineInstrument, type CandleColumns } from '../../main/core/model/index.ts';
import { Engine, SimClock, type Strategy, type StrategyContext } from '../../main/core/engine/index.ts';
import { PaperVenue } from '../../main/venues/paper/paper-venue.ts';
import { LimitsRiskGate } from '../../main/core/risk/gate.ts';
import { MemoryStore, NullAuditSink, type AuditSink } from '../../main/core/ports.ts';
import { interleaved, figure, ratio } from './harness.ts';

const N = Number(process.env.BENCH_CANDLES ?? 1_000_000);
const FAST = 50;
const SLOW = 200;
const QTY_LOTS = 1000; // 1.000 BTC at lot 0.001
const FEE = 0.001;

// ───────────── data: a seeded random walk on a 0.01 tick grid ─────────────
function makeCandles(n: number): CandleColumns {
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), length: n, intervalMs: 60_000 };
  let s = 12345 >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  let px = 3_000_000; // ticks (30,000.00)
  for (let i = 0; i < n; i++) {
    const o = px;
    const cl = Math.max(100, o + Math.round((rnd() - 0.5) * 3000));
    const hi = Math.max(o, cl) + Math.round(rnd() * 800);
    const lo = Math.min(o, cl) - Math.round(rnd() * 800);
    c.ts[i] = 1_700_000_000_000 + i * 60_000;
    c.open[i] = o / 100; c.close[i] = cl / 100; c.high[i] = hi / 100; c.low[i] = lo / 100;
    c.volume[i] = 1 + Math.round(rnd() * 50);
    px = cl + Math.round((rnd() - 0.5) * 200); // small gap to the next open
  }
  return c;
}

const inst = defineInstrument({ symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', takerFee: String(FEE), makerFee: '0.0005' });

interface Trade { bar: number; side: string; qty: number; price: number }

// ───────────── ours ─────────────
class SmaCross implements Strategy {
  readonly id = 'sma-cross';
  readonly version = '1';
  private fs = 0;
  private ss = 0;
  private readonly trade: boolean;
  constructor(trade: boolean) {
    this.trade = trade;
  }
  onBar(c: StrategyContext): void {
    const x = c.close(0);
    this.fs += x;
    this.ss += x;
    const i = c.i;
    if (i >= FAST) this.fs -= c.close(FAST);
    if (i >= SLOW) this.ss -= c.close(SLOW);
    if (i < SLOW - 1 || !this.trade) return;
    const up = this.fs * SLOW > this.ss * FAST;
    const pos = c.position;
    if (up && pos === 0) c.buy(QTY_LOTS);
    else if (!up && pos > 0) c.sell(pos);
  }
}

class CountingSink implements AuditSink {
  n = 0;
  append(): void {
    this.n++;
  }
}

function runOurs(bars: CandleColumns, audit: AuditSink = new NullAuditSink(), trade = true): { trades: Trade[]; equity: number; state: unknown } {
  const clock = new SimClock();
  const venue = new PaperVenue({ instruments: [inst], clock });
  const engine = new Engine({
    instruments: [inst], venue, clock, store: new MemoryStore(), audit,
    risk: new LimitsRiskGate({ maxOrderNotional: '1000000', maxPositionNotional: '1000000', maxOpenOrders: 10, priceBandBps: 500 }),
    portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } },
  });
  const r = engine.run(inst.symbol, bars, new SmaCross(trade));
  const t0 = bars.ts[0]!;
  return { trades: r.fills.map((f) => ({ bar: Math.round((f.ts - t0) / 60_000), side: f.side, qty: f.qty, price: f.price })), equity: r.equity[bars.length - 1]!, state: engine };
}

// ───────────── peer: typical OO backtester ─────────────
class Candle {
  readonly time: number; readonly open: number; readonly high: number; readonly low: number; readonly close: number; readonly volume: number;
  constructor(time: number, open: number, high: number, low: number, close: number, volume: number) {
    this.time = time; this.open = open; this.high = high; this.low = low; this.close = close; this.volume = volume;
  }
}
class PeerOrder {
  status = 'new';
  readonly id: number; readonly side: 'buy' | 'sell'; readonly qty: number; readonly createdBar: number;
  constructor(id: number, side: 'buy' | 'sell', qty: number, createdBar: number) {
    this.id = id; this.side = side; this.qty = qty; this.createdBar = createdBar;
  }
}
class PeerPosition {
  qty = 0;
  lastPrice = 0;
  readonly symbol: string;
  constructor(symbol: string) {
    this.symbol = symbol;
  }
}
class PeerPortfolio {
  cash = 1_000_000;
  // Multi-asset shape as OO backtesters keep it: positions by symbol, marked every bar.
  readonly positions = new Map<string, PeerPosition>([['BTC/USDT', new PeerPosition('BTC/USDT')]]);
  readonly equityCurve: { time: number; equity: number }[] = [];
  position(symbol: string): PeerPosition {
    return this.positions.get(symbol)!;
  }
  mark(symbol: string, time: number, price: number): void {
    this.position(symbol).lastPrice = price;
    let eq = this.cash;
    for (const p of this.positions.values()) eq += p.qty * 0.001 * p.lastPrice;
    this.equityCurve.push({ time, equity: eq });
  }
}
class PeerBroker {
  private pending: PeerOrder[] = [];
  private nextId = 1;
  readonly trades: Trade[] = [];
  private readonly bus: EventEmitter;
  private readonly pf: PeerPortfolio;
  constructor(bus: EventEmitter, pf: PeerPortfolio) {
    this.bus = bus;
    this.pf = pf;
    bus.on('candle', (c: Candle, i: number) => this.onCandle(c, i));
  }
  submit(side: 'buy' | 'sell', qty: number, bar: number): PeerOrder {
    const o = new PeerOrder(this.nextId++, side, qty, bar);
    this.pending.push(o);
    return o;
  }
  private onCandle(c: Candle, i: number): void {
    if (this.pending.length === 0) return;
    for (const o of this.pending) {
      const qtyBtc = o.qty * 0.001;
      const notional = qtyBtc * c.open;
      this.pf.cash += o.side === 'buy' ? -notional : notional;
      this.pf.cash -= notional * FEE;
      this.pf.position('BTC/USDT').qty += o.side === 'buy' ? o.qty : -o.qty;
      o.status = 'filled';
      this.trades.push({ bar: i, side: o.side, qty: o.qty, price: Math.round(c.open * 100) });
      this.bus.emit('fill', o);
    }
    this.pending = [];
  }
}
class PeerSma {
  private fs = 0;
  private ss = 0;
  private closes: number[] = [];
  private readonly broker: PeerBroker;
  private readonly pf: PeerPortfolio;
  private readonly trade: boolean;
  constructor(broker: PeerBroker, pf: PeerPortfolio, trade: boolean) {
    this.broker = broker;
    this.pf = pf;
    this.trade = trade;
  }
  onCandle(c: Candle, i: number): void {
    this.closes.push(c.close);
    this.fs += c.close;
    this.ss += c.close;
    if (i >= FAST) this.fs -= this.closes[i - FAST]!;
    if (i >= SLOW) this.ss -= this.closes[i - SLOW]!;
    if (i < SLOW - 1 || !this.trade) return;
    const up = this.fs * SLOW > this.ss * FAST;
    const pos = this.pf.position('BTC/USDT').qty;
    if (up && pos === 0) this.broker.submit('buy', QTY_LOTS, i);
    else if (!up && pos > 0) this.broker.submit('sell', pos, i);
  }
}
function runPeer(candles: Candle[], trade = true): { trades: Trade[]; equity: number; state: unknown } {
  const bus = new EventEmitter();
  const pf = new PeerPortfolio();
  const broker = new PeerBroker(bus, pf);
  const strat = new PeerSma(broker, pf, trade);
  bus.on('candle', (c: Candle, i: number) => {
    pf.mark('BTC/USDT', c.time, c.close);
    strat.onCandle(c, i);
  });
  for (let i = 0; i < candles.length; i++) bus.emit('candle', candles[i]!, i);
  return { trades: broker.trades, equity: pf.equityCurve[pf.equityCurve.length - 1]!.equity, state: { bus, pf, broker, strat } };
}

// ───────────── run ─────────────
const bars = makeCandles(N);
const objs: Candle[] = [];
for (let i = 0; i < N; i++) objs.push(new Candle(bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!));
// Prime both on a small input (PERFORMANCE.md: avoid measuring a cold/deoptimised first pass), and keep
// both primed states alive for the whole process. Hidden classes live only as long as some object uses
// them: when every instance of a class is garbage, the forced gc() before a case frees its maps and V8
// throws away all optimized code that embeds them ("weak objects"), so each round would start cold again.
// A long-lived process (a backtest worker) keeps its own instances around; the bench does so for both sides.
const small = makeCandles(5000);
const primed = [runOurs(small).state, runOurs(small, new CountingSink()).state, runPeer(objs.slice(0, 5000)).state, new PeerOrder(0, 'buy', 1, 0)];

const a = runOurs(bars);
const b = runPeer(objs);
const same = a.trades.length === b.trades.length && a.trades.every((t, i) => { const u = b.trades[i]!; return t.bar === u.bar && t.side === u.side && t.qty === u.qty && t.price === u.price; });
if (!same) {
  console.error('bench engine: trade lists differ', a.trades.length, b.trades.length, a.trades.slice(0, 3), b.trades.slice(0, 3));
  process.exit(1);
}
if (Math.abs(a.equity - b.equity) > 1e-6 * Math.abs(b.equity)) {
  console.error(`bench engine: final equity differs: ours ${a.equity} peer ${b.equity}`);
  process.exit(1);
}
console.log(`bench engine: ${a.trades.length} fills identical in both, final equity ${a.equity.toFixed(2)}`);

/** What a case keeps (its trades and final equity), not its whole state: the live heap stays the same for all. */
const result = (r: { trades: Trade[]; equity: number }): { trades: Trade[]; equity: number } => ({ trades: r.trades, equity: r.equity });
const sink = new CountingSink();
const res = await interleaved([
  { name: 'ours', run: () => result(runOurs(bars)) },
  { name: 'ours+audit', run: () => result(runOurs(bars, sink)) },
  { name: 'peer', run: () => result(runPeer(objs)) },
  { name: 'ours-no-orders', run: () => result(runOurs(bars, undefined, false)) },
  { name: 'peer-no-orders', run: () => result(runPeer(objs, false)) },
  // More rounds than the minimum: on a loaded 2-core machine single rounds swing 2-3x either way.
], { rounds: 11, warmup: 3 });
if (process.env.BENCH_SAMPLES) for (const [k, r] of res) console.log(`# ${k}: ${r.samples.map((x) => x.toFixed(0)).join(' ')} ms`);
const rate = (k: string): number => N / (res.get(k)!.medianMs / 1000) / 1e6;
figure('engine candle path without orders (same SMA, never signals)', rate('ours-no-orders'), 'M candles/s');
figure('engine oo-baseline candle path without orders', rate('peer-no-orders'), 'M candles/s');
const ours = N / (res.get('ours')!.medianMs / 1000) / 1e6;
const peer = N / (res.get('peer')!.medianMs / 1000) / 1e6;
figure('engine kernel (min)', N / (res.get('ours')!.minMs / 1000) / 1e6, 'M candles/s');
figure('engine oo-baseline (min)', N / (res.get('peer')!.minMs / 1000) / 1e6, 'M candles/s');
figure('engine kernel + audit events', N / (res.get('ours+audit')!.medianMs / 1000) / 1e6, 'M candles/s');
figure('engine kernel', ours, 'M candles/s');
ratio('engine', 'oo-baseline', ours, peer, 'M candles/s', true);
if (primed.length !== 4) throw new Error('primed states were dropped');
