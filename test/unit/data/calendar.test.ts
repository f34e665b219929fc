/** Trading calendars: which bars a market is expected to have, and how many periods a year has. */
import { describe, expect, it } from 'vitest';
import { TradingCalendar } from '../../../main/core/data/calendar.ts';
import { qualityReport } from '../../../main/core/data/quality.ts';

const MIN = 60_000;
const DAY = 86_400_000;

describe('TradingCalendar', () => {
  it('24/7 expects every bar; weekdays skip Saturday and Sunday (UTC dates)', () => {
    const all = TradingCalendar.of('24/7');
    const wk = TradingCalendar.of('weekdays');
    const sat = Date.UTC(2024, 0, 6);
    const mon = Date.UTC(2024, 0, 8);
    expect(all.expects(sat, DAY)).toBe(true);
    expect(wk.expects(sat, DAY)).toBe(false);
    expect(wk.expects(sat + DAY, DAY)).toBe(false);
    expect(wk.expects(mon, DAY)).toBe(true);
    expect(wk.expectedBetween(Date.UTC(2024, 0, 5), mon, DAY)).toBe(0);
    expect(all.expectedBetween(Date.UTC(2024, 0, 5), mon, DAY)).toBe(2);
  });

  it('a calendar document: holidays and intraday sessions', () => {
    const cal = TradingCalendar.of({ name: 'x', weekdays: [1, 2, 3, 4, 5], holidays: ['2024-07-04'], sessions: [{ open: '14:30', close: '21:00' }] });
    const jul3 = Date.UTC(2024, 6, 3);
    expect(cal.expects(Date.UTC(2024, 6, 4, 15), MIN)).toBe(false); // holiday
    expect(cal.expects(jul3 + 14.5 * 3_600_000, MIN)).toBe(true); // session open
    expect(cal.expects(jul3 + 21 * 3_600_000, MIN)).toBe(false); // session closed (end exclusive)
    expect(cal.expects(jul3 + 3_600_000, MIN)).toBe(false);
    // From the close on Jul 3 to the open on Jul 5: no expected minute is missing.
    expect(cal.expectedBetween(jul3 + 21 * 3_600_000 - MIN, Date.UTC(2024, 6, 5) + 14.5 * 3_600_000, MIN)).toBe(0);
  });

  it('periods per year: trading days × bars per trading day', () => {
    expect(TradingCalendar.of('24/7').periodsPerYear(MIN)).toBe(365 * 1440);
    expect(TradingCalendar.of('24/7').periodsPerYear(DAY)).toBe(365);
    expect(TradingCalendar.of('weekdays').periodsPerYear(DAY)).toBe(252);
    expect(TradingCalendar.of('weekdays').periodsPerYear(3_600_000)).toBe(252 * 24);
    const rth = TradingCalendar.of({ name: 'rth', weekdays: [1, 2, 3, 4, 5], holidays: [], sessions: [{ open: '14:30', close: '21:00' }] });
    expect(rth.periodsPerYear(MIN)).toBe(252 * 390);
    expect(rth.periodsPerYear(7 * DAY)).toBeCloseTo(365 / 7, 12);
  });

  it('refuses a malformed document with the path named', () => {
    expect(() => TradingCalendar.of({ name: 'x', weekdays: [1, 9], holidays: ['2024-13-40x'] } as never)).toThrow(/calendar\.weekdays\.1.*calendar\.holidays\.0/);
    expect(() => TradingCalendar.of({ name: 'x', weekdays: [1], holidays: [], sessions: [{ open: '21:00', close: '14:30' }] })).toThrow(/must close after it opens/);
  });

  it('the quality report counts only expected bars as missing', () => {
    const ts = Float64Array.from([Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 10)]);
    const px = new Float64Array([1, 1, 1]);
    const c = { ts, open: px, high: px, low: px, close: px, volume: px };
    const wk = qualityReport(c, { tfMs: DAY, calendar: TradingCalendar.of('weekdays') });
    expect(wk.gaps).toMatchObject({ count: 1, missing: 1 }); // Tuesday 9th
    expect(wk.expected).toBe(4);
    expect(qualityReport(c, { tfMs: DAY }).gaps).toMatchObject({ count: 2, missing: 3 });
  });
});
