import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../main/contract/index.ts';
import type { ReplaySpeed } from '../../../main/contract/replay.ts';
import { fmtTime, parseZoned } from '../../app/format.ts';
import { call } from '../../ipc/client.ts';
import { useMarketReplay } from '../../state/market-replay.ts';

export const SPEEDS: readonly ReplaySpeed[] = [1, 5, 10, 50, 100, 250, 500, 1000, 'max'];
const DAY = 86_400_000;
const TF_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': DAY };

export const speedLabel = (s: ReplaySpeed) => (s === 'max' ? 'MAX' : `${s}\u00d7`);
export const parseSpeed = (v: string): ReplaySpeed => (v === 'max' ? 'max' : Number(v));
const localInput = (ms: number) => fmtTime(ms, false).replace(' ', 'T');

type Dataset = ResponseOf<'market.datasets'>[number];

/** Choose a stored market and range (default: its last day), a speed, a starting balance and optionally a saved strategy. */
export function ReplaySetup() {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [strategies, setStrategies] = useState<{ id: string; name: string }[]>([]);
  const [key, setKey] = useState('');
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
      if (usable[0]) pick(usable[0]);
    });
    void call('strategy.list', {}, { quiet: true }).then((s) => setStrategies(s ?? []));
  }, []);

  const keyOf = (d: Dataset) => `${d.source}|${d.symbol}|${d.timeframe}`;
  const pick = (d: Dataset) => {
    setKey(keyOf(d));
    const end = d.lastTs + TF_MS[d.timeframe]!;
    setTo(localInput(end));
    setFrom(localInput(Math.max(d.firstTs, end - DAY)));
  };
  const ds = datasets.find((d) => keyOf(d) === key);
  const fromMs = parseZoned(from);
  const toMs = parseZoned(to);
  const valid = ds && Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs && /^\d+(\.\d+)?$/.test(balance);

  const start = async () => {
    if (!ds || !valid) return;
    setStarting(true);
    try {
      await useMarketReplay.getState().start({
        source: ds.source, symbol: ds.symbol, timeframe: ds.timeframe as '1m', from: fromMs, to: toMs, speed, startingBalance: balance,
        ...(strategyId ? { strategyId } : {}),
      });
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="mreplay-setup" aria-label="Replay setup">
      <label className="field">
        <span>Market (stored data)</span>
        <select aria-label="Replay market" value={key} onChange={(e) => pick(datasets.find((d) => keyOf(d) === e.target.value)!)}>
          {datasets.length === 0 && <option value="">No stored candles: Data → backfill or import</option>}
          {datasets.map((d) => (
            <option key={keyOf(d)} value={keyOf(d)}>
              {d.symbol} · {d.source} · {d.timeframe}
              {d.synthetic ? ' (synthetic)' : ''}
            </option>
          ))}
        </select>
      </label>
      {ds && <small className="muted">Stored {fmtTime(ds.firstTs, false)} → {fmtTime(ds.lastTs, false)}</small>}
      <label className="field">
        <span>From</span>
        <input type="datetime-local" aria-label="Replay from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="datetime-local" aria-label="Replay to" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
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
      <button className="primary" disabled={!valid || starting} onClick={() => void start()}>
        Start replay
      </button>
      <small className="muted">A fresh paper account of its own: nothing here touches your paper or live accounts.</small>
    </section>
  );
}
