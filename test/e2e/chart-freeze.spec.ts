import { expect, openStudio, snap, test } from './fixtures.ts';

interface ChartProbe {
  windowSize(): number;
  total(): number;
}

/**
 * Issue 24 #1: a backtest trade a year back at 1h, then 1m, froze the tab (half a million bars handed to the
 * chart library, gigabytes of heap). The chart now holds a bounded window wherever it looks, so the bounds
 * asserted here are structural (bars handed to the library, heap, the longest main-thread task), each far from
 * both what a working page uses and what the freeze used (527k bars, 0.8–1.7 GB, tasks of 11–150 s).
 */
test('a backtest trade far back, then 1m: the chart stays bounded and responsive', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  const studio = await openStudio(page, kestrel);
  await studio.getByRole('combobox', { name: 'Backtest timeframe' }).selectOption('1h');
  await studio.getByRole('button', { name: 'Run backtest' }).click();
  await expect(studio.getByTestId('run-status')).toContainText('backtest ok', { timeout: 90_000 });
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await studio.getByTestId('backtest-trades').locator('.dt-row').first().click();
  const chart = page.getByTestId('chart');
  await expect(page.getByRole('button', { name: /Go to now/ })).toBeVisible();
  await page.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '1m' }).click();
  // 1m over the demo year is ~500k bars: wait for them to arrive, then for the chart to settle.
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100_000);
  await expect(chart).toHaveAttribute('aria-busy', 'false');
  const probe = () => page.evaluate(() => {
    const c = (window as unknown as { __kestrelChart: ChartProbe }).__kestrelChart;
    return { window: c.windowSize(), total: c.total(), longest: (window as unknown as { __longest: number }).__longest };
  });
  // The window holds at most 20,000 bars plus the live bars that close while the test runs (one a minute,
  // and the forming one): a handful, against the 527k bars of the freeze.
  const BOUND = 20_000 + 10;
  for (let i = 0; i < 3; i++) {
    const p = await probe();
    expect(p.total).toBeGreaterThan(100_000);
    expect(p.window).toBeLessThanOrEqual(BOUND);
    await page.waitForTimeout(1_000);
  }
  // Still far back (the trade's moment is kept across the switch), with a way back to now.
  await expect(page.getByRole('button', { name: /Go to now/ })).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  expect(heap).toBeLessThan(400e6);
  expect((await probe()).longest).toBeLessThan(8_000);
  await snap(page, 'chart-1m-far-back');
  await page.getByRole('button', { name: /Go to now/ }).click();
  await expect(page.getByRole('button', { name: /Go to now/ })).toBeHidden();
  expect((await probe()).window).toBeLessThanOrEqual(BOUND);
});
