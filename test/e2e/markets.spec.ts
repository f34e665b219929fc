import type { Page } from '@playwright/test';
import { expect, snap, test } from './fixtures.ts';

interface LiveChartProbe {
  total(): number;
  updateBar(b: { ts: number; close: number }): void;
}

/** Records every bar the chart is handed live (the hook of renderer/features/markets/live-chart.ts calls updateBar). */
async function watchChartBars(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __kestrelChart: LiveChartProbe; __bars: { ts: number; close: number }[] };
    w.__bars = [];
    const c = w.__kestrelChart;
    const orig = c.updateBar.bind(c);
    c.updateBar = (b) => {
      w.__bars.push({ ts: b.ts, close: b.close });
      orig(b);
    };
  });
}

const liveBars = (page: Page) => page.evaluate(() => (window as unknown as { __bars: { ts: number; close: number }[] }).__bars);
const chartTotal = (page: Page) => page.evaluate(() => (window as unknown as { __kestrelChart: LiveChartProbe }).__kestrelChart.total());

// Kestrel Sim's clock at 10× the wall clock: a 1m bar closes every 6 s, prints come 10× as often.
test.use({ kestrelEnv: { KESTREL_SIM_SPEED: '10' } });

/**
 * Issue 17: a live market on Kestrel Sim end to end — search, watch, open, chart bars advance, the book and the
 * tape move, the venue's stream health shows a drop in red and recovers.
 */
test('search a Kestrel Sim market, watch it, open it: chart, book, tape and stream health live', async ({ page, kestrel }) => {
  test.setTimeout(300_000);
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const watch = page.getByRole('region', { name: 'Watchlist' });
  await expect(watch.getByRole('combobox', { name: 'Venue' })).toHaveValue('kestrel-sim');

  // Search: the market's tick, lot step and min notional come from the venue.
  const search = watch.getByRole('combobox', { name: 'Search markets' });
  await search.click();
  await search.fill('sol');
  const results = page.getByRole('listbox', { name: 'Markets' });
  const sol = results.getByRole('option').filter({ hasText: 'SOL/USDT' }).first();
  await expect(sol).toBeVisible();
  await expect(sol).toContainText(/\d.*·.*\d.*·/);
  await snap(page, 'markets-search');
  await sol.getByRole('button', { name: 'Add SOL/USDT to the watchlist' }).click();
  await search.press('Escape');

  // The watchlist row goes live: last price, 24h change, volume.
  const row = page.getByTestId('watchlist').locator('.dt-row', { hasText: 'SOL/USDT' });
  await expect(row).toBeVisible();
  await expect.poll(async () => (await row.locator('[role=cell]').nth(1).textContent())?.trim(), { timeout: 60_000 }).toMatch(/^[\d,]+\.\d+$/);
  await expect(row.locator('[role=cell]').nth(2)).toHaveText(/^[+-]?\d+\.\d{2}%$/);

  // Open its chart: it is the venue's SOL/USDT at 1m, continued live.
  await row.click();
  await expect(page.getByTestId('book-symbol')).toHaveText('SOL/USDT');
  await expect(page.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '1m' })).toHaveAttribute('aria-pressed', 'true');
  await watchChartBars(page);
  const before = await chartTotal(page);
  await expect.poll(async () => (await liveBars(page)).length, { timeout: 60_000 }).toBeGreaterThan(3);
  // Bars advance: the forming bar changes, and within a minute and a bit a new bar opens after the first one seen.
  const first = (await liveBars(page))[0]!;
  await expect.poll(async () => (await liveBars(page)).some((b) => b.ts > first.ts), { timeout: 100_000, intervals: [1000] }).toBe(true);
  expect(await chartTotal(page)).toBeGreaterThan(before);
  await snap(page, 'markets-chart-live');

  // The book moves (levels and sizes change), shows its spread, and groups by tick multiples.
  const book = page.getByRole('region', { name: 'Order book' });
  const ladder = book.getByRole('table', { name: 'Order book depth' });
  await expect(book.getByTestId('book-best-bid')).toContainText(/\d/);
  await expect(book.getByTestId('book-spread')).toContainText(/Spread \d/);
  const seen = new Set<string>();
  await expect.poll(async () => (seen.add((await ladder.textContent()) ?? ''), seen.size), { timeout: 30_000 }).toBeGreaterThan(3);
  await snap(page, 'markets-book');
  const group = book.getByRole('combobox', { name: 'Group price levels' });
  const fine = await ladder.locator('.lad-row.bid .lad-price').allTextContents();
  await group.selectOption({ index: 3 });
  const step = Number((await group.locator('option:checked').textContent())!.replace(/,/g, ''));
  await expect.poll(async () => (await ladder.locator('.lad-row.bid .lad-price').allTextContents()).filter(Boolean).every((p) => Math.abs(Number(p.replace(/,/g, '')) / step - Math.round(Number(p.replace(/,/g, '')) / step)) < 1e-6)).toBe(true);
  expect(fine.length).toBeGreaterThan(3);
  await snap(page, 'markets-book-grouped');
  await group.selectOption({ index: 0 });

  // The tape fills, aggressors coloured, and the size filter hides small prints.
  const tape = page.getByTestId('tape-rows');
  await expect.poll(async () => Number(await tape.getAttribute('data-count')), { timeout: 30_000 }).toBeGreaterThan(5);
  await expect(tape.locator('.tape-row.buy, .tape-row.sell').first()).toBeVisible();
  await snap(page, 'markets-tape');
  await page.getByRole('textbox', { name: 'Minimum trade size' }).fill('999999999');
  await expect(tape).toContainText('No prints at or above this size');
  await page.getByRole('textbox', { name: 'Minimum trade size' }).fill('');

  // Stream health: green while live, with the figures behind it on click.
  const health = page.getByTestId('stream-health-kestrel-sim');
  await expect(health).toHaveAttribute('data-level', 'ok');
  await health.click();
  const detail = page.getByRole('dialog', { name: 'kestrel-sim stream health' });
  await expect(detail).toContainText('Reconnects');
  await expect(detail).toContainText('SOL/USDT');
  await snap(page, 'markets-health-detail');
  await detail.getByRole('button', { name: 'Close' }).click();

  // Keyboard: '/' to search, type, Enter opens.
  await page.locator('body').click({ position: { x: 700, y: 860 } });
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await page.keyboard.type('eth');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('book-symbol')).toHaveText('ETH/USDT');

  // The watchlist survives a reload.
  await page.reload();
  await expect(page.getByTestId('watchlist').locator('.dt-row', { hasText: 'SOL/USDT' })).toBeVisible();
});
