/**
 * `kestrel replay VENUE SYMBOL [SYMBOL...] --from T --to T [--speed N|max] [--strategy FILE]`: a paper session on
 * stored candles (main/host/trading/replay.ts) of up to 8 symbols stepped together in time (as the app's replay:
 * one account in their common quote currency), in a fresh account, with an optional rules (.json) or code
 * (.ts/.js) strategy on the same kernel as a backtest (it trades the first symbol). Prints progress while it plays and a summary at the end. Exit
 * code 0 when the replay completed, 1 when the strategy failed (the replay still finishes without it).
 */
import { join } from 'node:path';
import type { Strategy } from '../../core/engine/strategy.ts';
import { timeframeMs } from '../../core/data/candles.ts';
import type { CandleColumns } from '../../core/model/index.ts';
import { defaultDataDir } from '../../host/paths.ts';
import { parseOptions, type CliCommand, UsageError } from '../command.ts';
import { MAX_REPLAY_SYMBOLS } from '../../contract/replay.ts';
import { parseParams, parseTime, readStrategy } from './backtest-shared.ts';

const OPTIONS = {
  from: { type: 'string', value: 'T', help: 'start of the replay (ISO date or epoch ms); required' },
  to: { type: 'string', value: 'T', help: 'end of the replay (ISO date or epoch ms); required' },
  speed: { type: 'string', default: 'max', value: 'N|max', help: 'replay clock speed: 1..1000 × the wall clock, or as fast as possible' },
  timeframe: { type: 'string', short: 't', default: '1m', value: 'TF', help: 'bar length (stored, or aggregated from 1m)' },
  strategy: { type: 'string', short: 's', value: 'FILE', help: 'a rules document (.json) or a code strategy (.ts/.js) trading the replay', defaultHelp: 'none' },
  param: { type: 'string', multiple: true, value: 'NAME=VALUE', help: 'strategy parameter' },
  cash: { type: 'string', default: '10000', value: 'AMOUNT', help: "starting balance of the replay's own paper account" },
  tick: { type: 'string', value: 'SIZE', help: 'price tick of the instrument', defaultHelp: 'the demo grid for demo data, else the finest price step in the data' },
  lot: { type: 'string', value: 'SIZE', help: 'quantity step of the instrument', defaultHelp: 'the demo grid for demo data, else 0.0001' },
  'data-dir': { type: 'string', value: 'DIR', help: 'where stored candles live', defaultHelp: 'the app data directory' },
  json: { type: 'boolean', default: false, help: 'print the summary as JSON on stdout (progress goes to stderr)' },
} as const;

type Values = { from?: string; to?: string; speed?: string; timeframe?: string; strategy?: string; param?: string[]; cash?: string; tick?: string; lot?: string; 'data-dir'?: string; json?: boolean };

function speedArg(s: string | undefined): number | 'max' {
  if (s === undefined || s === 'max') return 'max';
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--speed must be an integer 1..1000 or max, got ${s}`);
  return n;
}

function decimalArg(s: string | undefined, what: string): string | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0) throw new UsageError(`--${what} must be a positive decimal like 0.01, got ${s}`);
  return s;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export const replay: CliCommand = {
  name: 'replay',
  summary: 'Replay stored candles of 1-8 symbols, stepped together in time, as a paper session (fresh account) at 1-1000x or max speed, optionally with a strategy; progress and a summary.',
  usage: 'kestrel replay VENUE SYMBOL [SYMBOL...] --from T --to T [--speed N|max] [--strategy FILE] [options]',
  options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, OPTIONS, { allowPositionals: true });
    const v = values as Values;
    const [source, ...symbols] = positionals;
    if (!source || symbols.length === 0) throw new UsageError('give the venue (the stored source, e.g. demo) and the symbol(s): kestrel replay VENUE SYMBOL [SYMBOL...] --from T --to T');
    if (symbols.length > MAX_REPLAY_SYMBOLS) throw new UsageError(`at most ${MAX_REPLAY_SYMBOLS} symbols in one replay, got ${symbols.length}`);
    const twice = symbols.find((x, i) => symbols.indexOf(x) !== i);
    if (twice) throw new UsageError(`${twice} is given twice`);
    const symbol = symbols[0]!;
    const from = parseTime(v.from, 'from');
    const to = parseTime(v.to, 'to');
    if (from === undefined || to === undefined) throw new UsageError('--from and --to are required');
    if (!(to > from)) throw new UsageError('--to must be after --from');
    const speed = speedArg(v.speed);
    const cash = decimalArg(v.cash, 'cash')!;
    const grid = { tickSize: decimalArg(v.tick, 'tick'), lotSize: decimalArg(v.lot, 'lot') };
    if (symbols.length > 1 && (grid.tickSize || grid.lotSize)) throw new UsageError('--tick and --lot describe one instrument: they apply to a single-symbol replay');
    const timeframe = v.timeframe ?? '1m';
    const tf = timeframeMs(timeframe);
    const params = parseParams(v.param);
    const file = v.strategy === undefined ? undefined : readStrategy(v.strategy);
    const out = (s: string) => (v.json ? console.error(s) : console.log(s));

    const { MarketService } = await import('../../host/data/market-service.ts');
    const svc = MarketService.open(join(v['data-dir'] ?? defaultDataDir(), 'market.db'));
    const series: CandleColumns[] = [];
    try {
      for (const sym of symbols) {
        // `to` is exclusive: the last bar opens one bar before the end of the range.
        const cols = svc.candles({ source, symbol: sym, timeframe, from, to: to - tf + 1, closedOnly: true }).columns;
        if (cols.ts.length === 0) throw new UsageError(`no stored ${timeframe} candles for ${source} ${sym} between ${iso(from)} and ${iso(to)} (kestrel backfill / import)`);
        series.push({ ...cols, length: cols.ts.length, intervalMs: tf });
      }
    } finally {
      await svc.close();
    }

    const { ReplaySession } = await import('../../host/trading/replay.ts');
    const { replayInstrument, CANDLE_FILL_MODEL } = await import('../../host/trading/replay-service.ts');
    const markets = symbols.map((sym, i) => ({ instrument: replayInstrument(source, sym, series[i]!, undefined, grid), bars: series[i]! }));
    const [first, ...others] = markets;
    const instrument = first!.instrument;
    const odd = others.find((m) => m.instrument.quote !== instrument.quote);
    if (odd) throw new UsageError(`${odd.instrument.symbol} is priced in ${odd.instrument.quote}, ${symbol} in ${instrument.quote}: one quote currency per replay (its one account)`);
    const strategy = file ? await strategyFactory(file, params, symbol) : undefined;
    const r = await ReplaySession.create({
      id: 'replay-cli', source, instrument, bars: first!.bars, others, currency: instrument.quote, startingBalance: cash, speed,
      ...(strategy ? { strategy } : {}),
    });
    const steps = r.feed.total;
    out(`replay ${source} ${symbols.join(', ')} ${timeframe}: ${steps} bars ${iso(r.feed.from)} → ${iso(r.feed.to)} at ${speed === 'max' ? 'max speed' : `${speed}×`}, fresh account ${cash} ${instrument.quote}${file ? `, strategy ${file.fileName}${symbols.length > 1 ? ` on ${symbol}` : ''}` : ''}`);
    out(`fills: ${CANDLE_FILL_MODEL}`);

    const started = Date.now();
    let lastPrint = 0;
    const progress = (force = false) => {
      const now = Date.now();
      if (!force && now - lastPrint < 1_000) return;
      lastPrint = now;
      const a = r.session.account();
      out(`  ${iso(r.clock)}  ${((100 * r.feed.delivered) / steps).toFixed(1).padStart(5)}%  bars ${r.feed.delivered}/${steps}  equity ${a.equity}  fills ${r.session.engine.portfolio.fills().length}`);
    };
    r.play(Date.now());
    await new Promise<void>((done) => {
      const loop = () => {
        r.tick(Date.now());
        progress();
        if (r.state === 'playing') setTimeout(loop, speed === 'max' ? 0 : 50);
        else done();
      };
      loop();
    });
    progress(true);
    const a = r.session.account();
    const fills = r.session.engine.portfolio.fills();
    const held = r.session.positions();
    const qtyOf = (sym: string) => held.find((p) => p.symbol === sym)?.qty ?? '0';
    const summary = {
      source, symbol, symbols, timeframe, from: r.feed.from, to: r.feed.to, bars: steps, speed,
      strategy: file?.fileName ?? null, strategyError: r.strategyFault,
      orders: r.session.orderHistory(undefined, Number.MAX_SAFE_INTEGER).length, fills: fills.length,
      startingBalance: a.startingBalance, equity: a.equity, realizedPnl: a.realizedPnl, unrealizedPnl: a.unrealizedPnl, fees: a.fees,
      /** The first symbol's position (the one a strategy trades); `positions`: every symbol's. */
      position: qtyOf(symbol), positions: symbols.map((sym) => ({ symbol: sym, qty: qtyOf(sym), fills: fills.filter((f) => f.symbol === sym).length })),
      wallMs: Date.now() - started,
    };
    r.close();
    if (v.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const where = markets.map((m) => `${qtyOf(m.instrument.symbol)} ${m.instrument.base}`).join(', ');
      console.log(`done: ${summary.bars} bars in ${(summary.wallMs / 1000).toFixed(1)} s  orders ${summary.orders}  fills ${summary.fills}  position ${where}`);
      console.log(`equity ${summary.equity} ${instrument.quote} (from ${summary.startingBalance})  realized ${summary.realizedPnl}  unrealized ${summary.unrealizedPnl}  fees ${summary.fees}`);
      if (summary.strategyError) console.log(`strategy failed: ${summary.strategyError}`);
    }
    return summary.strategyError ? 1 : 0;
  },
};

async function strategyFactory(file: ReturnType<typeof readStrategy>, params: Record<string, number>, symbol: string): Promise<() => Promise<Strategy>> {
  if (file.kind === 'rules') {
    const { rulesSource } = await import('../../../workers/backtest/backtester.ts');
    const src = rulesSource(file.source, params);
    return async () => src.create(symbol);
  }
  const { SandboxedStrategy } = await import('../../../workers/sandbox/remote-strategy.ts');
  return async () => {
    const s = new SandboxedStrategy(file.source, { fileName: file.fileName, id: file.fileName, params });
    await s.ready();
    return s;
  };
}
