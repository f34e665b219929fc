import { afterEach, describe, expect, it } from 'vitest';
import { fmtTime, parseZoned, setTimeZone, timePart, timeZone } from '../../../renderer/app/format.ts';
import { tickLabel } from '../../../renderer/features/chart/lightweight.ts';
import { TickMarkType, type UTCTimestamp } from 'lightweight-charts';

afterEach(() => setTimeZone('UTC'));

describe('dates in the chosen time zone', () => {
  const t = Date.UTC(2026, 0, 15, 23, 10, 5);
  it('writes UTC until a zone is chosen', () => {
    expect(fmtTime(t)).toBe('2026-01-15 23:10:05');
  });
  it('writes the same moment in the chosen zone, across the date line and with half-hour offsets', () => {
    expect(setTimeZone('Asia/Kolkata')).toBe(true);
    expect(fmtTime(t)).toBe('2026-01-16 04:40:05');
    expect(fmtTime(t, false)).toBe('2026-01-16 04:40');
    expect(setTimeZone('America/New_York')).toBe(true);
    expect(fmtTime(t)).toBe('2026-01-15 18:10:05');
    // Summer time in New York is UTC−4.
    expect(fmtTime(Date.UTC(2026, 6, 1, 12, 0, 0))).toBe('2026-07-01 08:00:00');
    expect(timePart(t, 'day')).toBe('15');
  });
  it('refuses an unknown zone and keeps the one it had', () => {
    setTimeZone('Europe/Berlin');
    expect(setTimeZone('Mars/Olympus')).toBe(false);
    expect(timeZone()).toBe('Europe/Berlin');
  });
  it('labels the chart axis in the zone', () => {
    setTimeZone('Asia/Kolkata');
    const s = (t / 1000) as UTCTimestamp;
    expect(tickLabel(s, TickMarkType.Time)).toBe('04:40');
    expect(tickLabel(s, TickMarkType.DayOfMonth)).toBe('16');
    expect(tickLabel(s, TickMarkType.Month)).toBe('Jan');
  });
});

describe('times typed in the chosen zone', () => {
  it('reads a datetime-local value in the zone', () => {
    expect(parseZoned('2026-01-16T04:40')).toBe(Date.UTC(2026, 0, 16, 4, 40));
    setTimeZone('Asia/Kolkata');
    expect(parseZoned('2026-01-16T04:40')).toBe(Date.UTC(2026, 0, 15, 23, 10));
    setTimeZone('America/New_York');
    expect(parseZoned('2026-07-01T08:00:30')).toBe(Date.UTC(2026, 6, 1, 12, 0, 30));
    expect(parseZoned('')).toBeNaN();
    expect(parseZoned('yesterday')).toBeNaN();
  });
  it('round-trips with what is shown', () => {
    setTimeZone('Europe/Berlin');
    for (const t of [Date.UTC(2026, 2, 29, 0, 59), Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 9, 25, 12, 0)]) expect(parseZoned(fmtTime(t, false).replace(' ', 'T'))).toBe(t);
    // The replay's date fields take what fmtTime writes, as it writes it (a space, not a T).
    for (const t of [Date.UTC(2026, 2, 29, 0, 59), Date.UTC(2026, 5, 1, 7, 15)]) expect(parseZoned(` ${fmtTime(t, false)} `)).toBe(t);
    expect(parseZoned('2026-03-29  01:00')).toBeNaN();
  });
});
