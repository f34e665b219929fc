import { useEffect, useMemo, useState } from 'react';
import type { ResponseOf } from '../../../main/contract/index.ts';
import { MAX_REPLAY_SYMBOLS, type ReplaySpeed } from '../../../main/contract/replay.ts';
import { fmtTime, parseZoned, timeZone } from '../../app/format.ts';
import { call } from '../../ipc/client.ts';
import { useMarketReplay } from '../../state/market-replay.ts';

export const SPEEDS: readonly ReplaySpeed[] = [1, 5, 10, 50, 100, 250, 500, 1000, 'max'];
const DAY = 86_400_000;
const TF_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': DAY };

export const speedLabel = (s: ReplaySpeed) => (s === 'max' ? 'MAX' : `${s}\u00d7`);
export const parseSpeed = (v: string): ReplaySpeed => (v === 'max' ? 'max' : Number(v));
/** "2026-12-07 13:05" in the app's time zone (Settings), as typed into the replay's date fields. */
export const zonedInput = (ms: number) => fmtTime(ms, false);

type Dataset = ResponseOf<'market.datasets'>[number];
const groupOf = (d: Dataset) => `${d.source}|${d.timeframe}`;

/**
 * Choose stored data (a source and timeframe, one or more of its symbols) and a range (default: the last day
 * the first symbol has), a speed, a starting balance and optionally a saved strategy. Dates are typed and shown
 * in the app's time zone, as every date of the workstation.
 */
export function ReplaySetup() {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [strategies, setStrategies] = useState<{ id: string; name: string }[]>([]);
  const [group, setGroup] = useState('');
  const [symbols, setSymbols] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [speed, setSpeed] = useState<ReplaySpeed>(100);
  const [balance, setBalance] = useState('10000');
  const [strategyId, setStrategyId] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    void call('market.datasets', {}).then((ds) => {
      const usable = (ds ?? []).filter((d) => d.timeframe in TF_MS && d.count > 1);
      setDatasets(usable);
      const first = usable.find((d) => d.symbol.startsWith('BTC')) ?? usable[0];
      if (first) pick(groupOf(first), [first.symbol], usable);
    });
    void call('strategy.list', {}, { quiet: true }).then((s) => setStrategies(s ?? []));
  }, []);

  const groups = useMemo(() => [...new Set(datasets.map(groupOf))], [datasets]);
  const inGroup = datasets.filter((d) => groupOf(d) === group);
  const pick = (g: string, chosen: string[], all = datasets) => {
    setGroup(g);
    setSymbols(chosen);
    const d = all.find((x) => groupOf(x) === g && x.symbol === chosen[0]);
    if (!d) return;
    const end = d.lastTs + TF_MS[d.timeframe]!;
    setTo(zonedInput(end));
    setFrom(zonedInput(Math.max(d.firstTs, end - DAY)));
  };
  /** Another source or timeframe: the chosen symbols it also has stay chosen, else its first BTC market (or first). */
  const choose = (g: string) => {
    const there = datasets.filter((d) => groupOf(d) === g);
    const keep = symbols.filter((s) => there.some((d) => d.symbol === s));
    const first = there.find((d) => d.symbol.startsWith('BTC')) ?? there[0];
    if (first) pick(g, keep.length ? keep : [first.symbol]);
  };
  const toggle = (symbol: string) => {
    if (symbols.includes(symbol)) return setSymbols(symbols.filter((s) => s !== symbol));
    if (!symbols.length) return pick(group, [symbol]);
    if (symbols.length < MAX_REPLAY_SYMBOLS) setSymbols([...symbols, symbol]);
  };
  const first = inGroup.find((d) => d.symbol === symbols[0]);
  const fromMs = parseZoned(from);
  const toMs = parseZoned(to);
  const valid = first && Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs && /^\d+(\.\d+)?$/.test(balance);

  const start = async () => {
    if (!first || !valid) return;
    setStarting(true);
    try {
      await useMarketReplay.getState().start({
        source: first.source, symbol: first.symbol, ...(symbols.length > 1 ? { symbols: symbols.slice(1) } : {}),
        timeframe: first.timeframe as '1m', from: fromMs, to: toMs, speed, startingBalance: balance,
        ...(strategyId ? { strategyId } : {}),
      });
    } finally {
      setStarting(false);
    }
  };

  const zone = timeZone();
  return (
    <form
      className="mreplay-setup"
      aria-label="Replay setup"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <label className="field">
        <span>Stored data</span>
        <select aria-label="Replay data" value={group} onChange={(e) => choose(e.target.value)}>
          {groups.length === 0 && <option value="">No stored candles: Data → backfill or import</option>}
          {groups.map((g) => (
            <option key={g} value={g}>
              {g.replace('|', ' · ')}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="mreplay-symbols" aria-label="Replay symbols">
        <legend className="small muted">Symbols (the first one also sets the default range)</legend>
        {inGroup.map((d) => (
          <label key={d.symbol} className="check">
            <input type="checkbox" checked={symbols.includes(d.symbol)} onChange={() => toggle(d.symbol)} aria-label={`Replay ${d.symbol}`} />
            {d.symbol}
            {d.synthetic ? <span className="muted small"> synthetic</span> : null}
          </label>
        ))}
      </fieldset>
      {first && <small className="muted">{first.symbol} stored {zonedInput(first.firstTs)} → {zonedInput(first.lastTs)} ({zone})</small>}
      <div className="two">
        <label className="field">
          <span>From ({zone})</span>
          <input aria-label="Replay from" placeholder="YYYY-MM-DD HH:MM" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={!Number.isFinite(fromMs)} />
        </label>
        <label className="field">
          <span>To ({zone})</span>
          <input aria-label="Replay to" placeholder="YYYY-MM-DD HH:MM" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={!Number.isFinite(toMs)} />
        </label>
      </div>
      <div className="two">
        <label className="field">
          <span>Speed</span>
          <select aria-label="Replay start speed" value={String(speed)} onChange={(e) => setSpeed(parseSpeed(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {speedLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Starting balance</span>
          <input aria-label="Replay starting balance" inputMode="decimal" value={balance} onChange={(e) => setBalance(e.target.value.trim())} />
        </label>
      </div>
      <label className="field">
        <span>Strategy (optional)</span>
        <select aria-label="Replay strategy" value={strategyId} onChange={(e) => setStrategyId(e.target.value)}>
          <option value="">None: trade by hand</option>
          {strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <small className="muted">A fresh paper account of its own: nothing here touches your paper or live accounts. The Trade workspace's ticket, chart, blotter and positions trade it.</small>
      <div className="modal-actions">
        <button type="button" onClick={() => useMarketReplay.getState().openSetup(false)}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!valid || starting}>
          Start replay
        </button>
      </div>
    </form>
  );
}
