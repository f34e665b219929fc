import { useEffect, useRef, useState } from 'react';
import { fmtTime, parseZoned, timeZone } from '../../app/format.ts';
import { useMarketReplay } from '../../state/market-replay.ts';
import { parseSpeed, SPEEDS, speedLabel } from './ReplaySetup.tsx';

/**
 * The Trade workspace's replay controls while a replay is shown: play / pause, one-bar step, speed, the replay
 * clock, a scrubber and a go-to time (in the app's time zone) over the range (backward rebuilds the session from
 * its start), progress, how replay fills work, back to the live account, stop.
 */
export function ReplayBar() {
  const status = useMarketReplay((s) => (s.viewing ? s.status : null));
  const [drag, setDrag] = useState<number | null>(null);
  const [goTo, setGoTo] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  if (!status) return null;
  const { control: ctl, leave } = useMarketReplay.getState();
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
  const target = parseZoned(goTo);
  return (
    <section className="mreplay-bar" aria-label="Replay controls" data-testid="replay-bar">
      <div className="mreplay-row">
      <span className="badge mreplay-badge" data-testid="mreplay-badge" title="A replay of stored history in its own paper account: not live, not your paper account">
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
      <span className="mreplay-clock num" data-testid="mreplay-clock" data-ts={status.clock} title={`Replay clock (${timeZone()})`}>
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
      </div>
      <div className="mreplay-row">
      <form
        className="mreplay-goto"
        onSubmit={(e) => {
          e.preventDefault();
          if (Number.isFinite(target)) void ctl({ action: 'seek', ts: target });
        }}
      >
        <input aria-label="Seek to time" placeholder="YYYY-MM-DD HH:MM" title={`A time in ${timeZone()}`} value={goTo} onChange={(e) => setGoTo(e.target.value)} size={15} />
        <button type="submit" disabled={!Number.isFinite(target)}>
          Go
        </button>
      </form>
      <span className="muted small num" data-testid="mreplay-progress">
        {status.barsDone}/{status.barsTotal} · {status.state}
      </span>
      <details className="mreplay-fill-model" data-testid="mreplay-fill-model">
        <summary className="small ghost">How fills work</summary>
        <div className="mreplay-fill-pop small">
          <p>{status.fillModel}</p>
          {status.strategy && (
            <p>
              Strategy {status.strategy.name} v{status.strategy.version}
              {status.strategyError ? ` stopped: ${status.strategyError}` : ' runs on the same kernel as a backtest.'}
            </p>
          )}
        </div>
      </details>
      <span className="mreplay-end">
        <button className="small" onClick={() => void leave()} title="Show your selected account again; the replay stays where it is">
          Back to account
        </button>
        <button className="small danger-outline" onClick={() => void ctl({ action: 'stop' })}>
          Stop
        </button>
      </span>
      </div>
    </section>
  );
}
