import { expect, snap, test } from './fixtures.ts';

interface Placements {
  candles: { min: number; max: number };
  lines: { key: string; pane: number; min: number; max: number; style: string }[];
}

/** Issue 24 #2: Bollinger %B and bandwidth sat on the price scale (−400…1600) and flattened the candles. */
test('every indicator output is drawn on a pane and scale that fits it', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const chart = page.getByTestId('chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100);
  const add = async (spec: string) => {
    await page.getByRole('combobox', { name: 'Indicator' }).fill(spec);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId(`indicator-${spec}`)).toBeVisible();
  };
  await add('bb:20:2');
  await add('macd:12:26:9');
  await add('supertrend:10:3');
  const placements = () => page.evaluate(() => (window as unknown as { __kestrelChart: { placements(): Placements } }).__kestrelChart.placements());
  await expect.poll(async () => (await placements()).lines.length).toBe(5 + 3 + 2);
  const p = await placements();
  const span = p.candles.max - p.candles.min;
  // Whatever shares the candles' pane lies in their price range (a band may poke a little past the wicks).
  for (const l of p.lines.filter((x) => x.pane === 0)) {
    expect(l.min, l.key).toBeGreaterThan(p.candles.min - span);
    expect(l.max, l.key).toBeLessThan(p.candles.max + span);
  }
  const paneOf = (k: string) => p.lines.find((l) => l.key === k)!.pane;
  expect(paneOf('bb:20:2.upper')).toBe(0);
  expect(paneOf('bb:20:2.percentB')).toBeGreaterThan(0);
  expect(paneOf('bb:20:2.bandwidth')).toBeGreaterThan(0);
  expect(paneOf('bb:20:2.bandwidth')).not.toBe(paneOf('bb:20:2.percentB'));
  expect(paneOf('supertrend:10:3.supertrend')).toBe(0);
  expect(paneOf('supertrend:10:3.direction')).toBeGreaterThan(0);
  // MACD's three outputs share one pane; the histogram is drawn as columns.
  expect(new Set(['macd', 'signal', 'hist'].map((o) => paneOf(`macd:12:26:9.${o}`))).size).toBe(1);
  expect(p.lines.find((l) => l.key === 'macd:12:26:9.hist')!.style).toBe('histogram');
  await snap(page, 'chart-indicators');
});

/** Issue 24 #10: the RSI pane was ~70 px, and its 30/70 guides fell off its scale whenever the RSI stayed between them. */
test('an oscillator gets a pane a trader can read, with its guide levels', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const chart = page.getByTestId('chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100);
  await page.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('indicator-rsi:14')).toBeVisible();
  const layout = () => page.evaluate(() => (window as unknown as { __kestrelChart: { paneLayout(): { heights: number[]; guides: Record<string, { price: number; y: number | null }[]> } } }).__kestrelChart.paneLayout());
  await expect.poll(async () => (await layout()).heights.length).toBe(2);
  const l = await layout();
  const host = (await chart.boundingBox())!.height;
  console.log(`chart ${host} px, panes ${l.heights.join(' / ')} px`);
  // A quarter of the chart or more, the candles keeping the larger share.
  expect(l.heights[1]!).toBeGreaterThanOrEqual(host * 0.25);
  expect(l.heights[0]!).toBeGreaterThan(l.heights[1]!);
  expect(l.guides['rsi:14']!.map((g) => g.price)).toEqual([30, 70]);
  // Both guides inside the pane whatever range the RSI spans in view (price lines do not widen a scale).
  for (const g of l.guides['rsi:14']!) {
    expect(g.y).not.toBeNull();
    expect(g.y!).toBeGreaterThanOrEqual(0);
    expect(g.y!).toBeLessThanOrEqual(l.heights[1]!);
  }
  await snap(page, 'chart-rsi-pane');
});
