import { expect, test } from './fixtures.ts';

/**
 * Indicators on a normal (not replay) chart follow the live bars: they stayed at the history's last value
 * while the paper feed's forming bar moved. The host recomputes the tail with the bar the chart shows.
 */
test('an indicator on the live paper chart moves with the forming bar', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const chart = page.getByTestId('chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100);
  await page.getByRole('region', { name: 'Chart', exact: true }).getByRole('button', { name: '1m', exact: true }).click();
  await page.getByRole('combobox', { name: 'Indicator' }).fill('sma:2');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('indicator-sma:2')).toBeVisible();
  const tail = () => page.evaluate(() => (window as unknown as { __kestrelChart: { lineTail(k: string): { ts: number; value: number } | null } }).__kestrelChart.lineTail('sma:2'));
  await expect.poll(tail).not.toBeNull();
  const first = (await tail())!;
  // The demo feed ticks several times a second: the forming bar's close moves, and so does a 2-bar average's tail.
  await expect.poll(async () => { const t = (await tail())!; return t.ts > first.ts || t.value !== first.value; }, { timeout: 30_000 }).toBe(true);
  const moved = (await tail())!;
  expect(Number.isFinite(moved.value)).toBe(true);
});
