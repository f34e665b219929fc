import { useEffect, useRef, useState } from 'react';
import { fmtTime, parseZoned } from '../../app/format.ts';
import { useMarketReplay } from '../../state/market-replay.ts';
import { parseSpeed, SPEEDS, speedLabel } from './ReplaySetup.tsx';

/** Play / pause, one-bar step, speed, and the seek slider over the range (backward rebuilds the session from its start). */
export function ReplayTransport() {
  const status = useMarketReplay((s) => s.status);
  const [drag, setDrag] = useState<number | null>(null);
  const [goTo, setGoTo] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  if (!status) return null;
  const ctl = useMarketReplay.getState().control;
  const tf = (status.to - status.from) / Math.max(1, status.barsTotal);
  const seek = (ts: number) => {
    clearTimeout(timer.current);
    // Committed once the slider rests: each seek is a command (a backward one rebuilds the session).
    timer.current = setTimeout(() => {
      setDrag(null);
      void ctl({ action: 'seek', ts });
    }, 250);
  };
  const playing = status.state === 'playing';
  return (
    <section className="mreplay-transport" aria-label="Replay controls">
      <span className="badge mreplay-badge" data-testid="mreplay-badge" title="A replay of stored history: not live, not your paper account">
        REPLAY {speedLabel(status.speed)}
      </span>
      <button className="primary" data-testid="mreplay-play" disabled={status.state === 'finished'} onClick={() => void ctl({ action: playing ? 'pause' : 'play' })}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <button data-testid="mreplay-step" disabled={status.state === 'finished'} onClick={() => void ctl({ action: 'step' })} title="Deliver one bar">
        Step
      </button>
      <select aria-label="Replay speed" value={String(status.speed)} onChange={(e) => void ctl({ action: 'speed', speed: parseSpeed(e.target.value) })}>
        {SPEEDS.map((s) => (
          <option key={s} value={String(s)}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
      <span className="mreplay-clock num" data-testid="mreplay-clock" data-ts={status.clock}>
        {fmtTime(drag ?? status.clock)}
      </span>
      <input
        type="range"
        className="mreplay-seek"
        aria-label="Replay seek"
        min={status.from}
        max={status.to}
        step={tf}
        value={drag ?? status.clock}
        onChange={(e) => {
          const ts = Number(e.target.value);
          setDrag(ts);
          seek(ts);
        }}
      />
      <span className="muted small" data-testid="mreplay-progress">
        {status.barsDone}/{status.barsTotal} bars · {status.state}
      </span>
      <form
        className="mreplay-goto"
        onSubmit={(e) => {
          e.preventDefault();
          const ts = parseZoned(goTo);
          if (Number.isFinite(ts)) void ctl({ action: 'seek', ts });
        }}
      >
        <input type="datetime-local" aria-label="Seek to time" value={goTo} onChange={(e) => setGoTo(e.target.value)} />
        <button type="submit" disabled={!Number.isFinite(parseZoned(goTo))}>
          Go
        </button>
      </form>
      <button className="small danger-outline" onClick={() => void ctl({ action: 'stop' })}>
        Stop
      </button>
    </section>
  );
}
