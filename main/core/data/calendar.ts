/**
 * Trading calendars: when a market trades, so that a closed market is not a data gap and annualisation
 * counts the periods a year really has.
 *
 * - `24/7` (the default; crypto): every bar of the grid is expected; 365 trading days a year.
 * - `weekdays`: Monday to Friday (UTC dates); 252 trading days a year (the usual convention for exchanges,
 *   which lose ~9 weekdays a year to holidays).
 * - a calendar document (`kestrel backtest --calendar FILE.json`): trading weekdays, holiday dates and,
 *   for intraday bars, the sessions of a trading day, all in UTC:
 *     { "name": "XNYS 2024", "weekdays": [1,2,3,4,5], "holidays": ["2024-01-01", "2024-07-04"],
 *       "sessions": [{ "open": "14:30", "close": "21:00" }], "daysPerYear": 252 }
 *   Times are UTC wall-clock: a market that shifts with daylight saving needs one document per season.
 *
 * A bar (by its open time) is expected when its UTC date is a trading day and, for bars shorter than a day,
 * its open time falls inside a session (no sessions = the whole day).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM (UTC)');

export const CalendarDoc = z
  .object({
    name: z.string().min(1).max(64),
    weekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')).max(20_000).default([]),
    sessions: z.array(z.object({ open: hhmm, close: hhmm }).strict()).max(8).optional(),
    daysPerYear: z.number().positive().max(366).optional(),
  })
  .strict();
export type CalendarDoc = z.infer<typeof CalendarDoc>;

export const CalendarInput = z.union([z.literal('24/7'), z.literal('weekdays'), CalendarDoc]);
export type CalendarInput = z.input<typeof CalendarInput>;

function minutes(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
}

export class TradingCalendar {
  readonly name: string;
  /** Trading days in a year, for annualisation. */
  readonly daysPerYear: number;
  private readonly weekdays: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<number>;
  /** Sessions as [open, close) in ms after UTC midnight; empty = the whole day. */
  private readonly sessions: readonly (readonly [number, number])[];
  readonly alwaysOpen: boolean;

  private constructor(name: string, weekdays: readonly number[], holidays: readonly string[], sessions: readonly { open: string; close: string }[], daysPerYear: number) {
    this.name = name;
    this.weekdays = new Set(weekdays);
    this.holidays = new Set(holidays.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS));
    this.sessions = sessions.map((s) => {
      const a = minutes(s.open) * 60_000;
      const b = minutes(s.close) * 60_000;
      if (!(b > a)) throw new ValidationError(`calendar ${name}: session ${s.open}-${s.close} must close after it opens`, [{ path: 'sessions', message: 'close before open' }]);
      return [a, b] as const;
    });
    this.daysPerYear = daysPerYear;
    this.alwaysOpen = this.weekdays.size === 7 && this.holidays.size === 0 && this.sessions.length === 0;
  }

  static of(input: CalendarInput | undefined): TradingCalendar {
    if (input === undefined || input === '24/7') return new TradingCalendar('24/7', [0, 1, 2, 3, 4, 5, 6], [], [], 365);
    if (input === 'weekdays') return new TradingCalendar('weekdays', [1, 2, 3, 4, 5], [], [], 252);
    const r = CalendarDoc.safeParse(input);
    if (!r.success) {
      const issues = r.error.issues.map((i) => ({ path: `calendar.${i.path.join('.')}`, message: i.message }));
      throw new ValidationError(`invalid calendar: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    }
    const d = r.data;
    return new TradingCalendar(d.name, d.weekdays, d.holidays, d.sessions ?? [], d.daysPerYear ?? (d.weekdays.length === 7 ? 365 : 252));
  }

  /** Whether the UTC date of `ts` is a trading day. */
  tradingDay(ts: number): boolean {
    const day = Math.floor(ts / DAY_MS);
    return this.weekdays.has((day + 4) % 7) && !this.holidays.has(day); // 1970-01-01 was a Thursday (4)
  }

  /** Whether a bar opening at `ts` of `tfMs` is expected. */
  expects(ts: number, tfMs: number): boolean {
    if (this.alwaysOpen) return true;
    if (!this.tradingDay(ts)) return false;
    if (tfMs >= DAY_MS || this.sessions.length === 0) return true;
    const t = ts - Math.floor(ts / DAY_MS) * DAY_MS;
    for (const [a, b] of this.sessions) if (t >= a && t < b) return true;
    return false;
  }

  /** Expected bars of the grid strictly between two bar open times (the missing ones of a gap). */
  expectedBetween(a: number, b: number, tfMs: number): number {
    if (this.alwaysOpen) return Math.max(0, Math.round((b - a) / tfMs) - 1);
    let n = 0;
    for (let t = a + tfMs; t < b; t += tfMs) if (this.expects(t, tfMs)) n++;
    return n;
  }

  /**
   * Bars of `tfMs` in a year: trading days × bars per trading day (session length / bar; a whole day when
   * there are no sessions) for bars shorter than a day; trading days / bar length in days for bars of one
   * day up to a week; calendar time (365 days / bar) for a week and longer, which every calendar has.
   */
  periodsPerYear(tfMs: number): number {
    if (tfMs >= WEEK_MS) return (365 * DAY_MS) / tfMs;
    if (tfMs >= DAY_MS) return this.daysPerYear / (tfMs / DAY_MS);
    const sessionMs = this.sessions.length ? this.sessions.reduce((s, [a, b]) => s + (b - a), 0) : DAY_MS;
    return (this.daysPerYear * sessionMs) / tfMs;
  }
}
