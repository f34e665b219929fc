/**
 * Trading-day boundaries in an IANA time zone, for the daily-loss limit. Intl does the zone arithmetic
 * (core may use it: it is part of the language, not I/O). A boundary is computed twice a day at most: the
 * day [start, end) is cached and only a timestamp outside it asks Intl again.
 */
import { ValidationError } from '../errors.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new ValidationError(`unknown time zone ${timeZone}`, [{ path: 'timeZone', message: 'not an IANA time zone, e.g. "UTC" or "America/New_York"' }]);
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** Throws a ValidationError unless `timeZone` is a zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  formatFor(timeZone);
}

interface Wall {
  /** Local wall time of the instant, read as if it were UTC (epoch ms, whole seconds). */
  wall: number;
  /** Local midnight of that day, read as if it were UTC. */
  midnight: number;
}

function wallOf(ts: number, timeZone: string): Wall {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of formatFor(timeZone).formatToParts(ts)) {
    const v = Number(p.value);
    if (p.type === 'year') y = v;
    else if (p.type === 'month') mo = v;
    else if (p.type === 'day') d = v;
    else if (p.type === 'hour') h = v;
    else if (p.type === 'minute') mi = v;
    else if (p.type === 'second') s = v;
  }
  const midnight = Date.UTC(y, mo - 1, d);
  return { wall: midnight + ((h * 60 + mi) * 60 + s) * 1000, midnight };
}

/** The zone's offset from UTC at `ts` (ms; positive east of Greenwich). */
function offsetAt(ts: number, timeZone: string): number {
  const whole = Math.floor(ts / 1000) * 1000;
  return wallOf(whole, timeZone).wall - whole;
}

/** Start (epoch ms) of the local calendar day in `timeZone` that contains `ts`. */
export function dayStart(ts: number, timeZone: string): number {
  const { midnight } = wallOf(ts, timeZone);
  // Midnight with today's offset at ts; if DST changed since midnight, the offset at that guess differs:
  // one correction with the offset in force at midnight itself.
  const guess = midnight - offsetAt(ts, timeZone);
  const off = offsetAt(guess, timeZone);
  // Where a zone skips midnight itself (a few zones shift DST at 00:00) the day starts at the first instant
  // after the gap; the corrected guess lands there or an hour early, and a limit resets at most an hour off.
  return midnight - off;
}

/** The local day containing a timestamp, as [start, end) in epoch ms (23, 24 or 25 hours long). */
export class TradingDay {
  start = Number.NaN;
  end = Number.NaN;
  readonly timeZone: string;
  constructor(timeZone: string) {
    checkTimeZone(timeZone);
    this.timeZone = timeZone;
  }

  /** True when ts lies in a different day than the one cached (and caches ts's day). */
  roll(ts: number): boolean {
    if (ts >= this.start && ts < this.end) return false;
    this.start = dayStart(ts, this.timeZone);
    // 25 h after a start lies in the next day whatever DST does (days are 23–25 h long).
    this.end = dayStart(this.start + 25 * 3_600_000, this.timeZone);
    return true;
  }
}
