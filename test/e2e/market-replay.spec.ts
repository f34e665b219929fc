import { expect, openStudio, snap, test } from './fixtures.ts';

/**
 * Market replay (issue 18 item 6): stored demo candles replayed at 100× in the Replay workspace. Bars advance
 * while it plays and stop when paused; a seek moves the clock forward (and back, rebuilding the session);
 * a ticket order fills at the next bar's open and shows in the replay's blotter. The chart never shows a bar
 * after the replay clock.
 */
test('replay stored history at 100x: bars advance, pause stops them, seek jumps the clock, the ticket trades', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Replay', exact: true }).click();
  const ws = page.getByTestId('mreplay-workspace');
  const market = ws.getByRole('combobox', { name: 'Replay market' });
  // The demo history is generated on first start: its dataset appears once it is stored.
  await expect(market.locator('option[value="demo|BTC/USDT|1m"]')).toHaveCount(1, { timeout: 60_000 });
  await market.selectOption('demo|BTC/USDT|1m');
  await ws.getByRole('combobox', { name: 'Replay start speed' }).selectOption('100');
  const from = await ws.getByRole('textbox', { name: 'Replay from' }).inputValue().catch(() => '');
  await ws.getByRole('button', { name: 'Start replay' }).click();

  const badge = ws.getByTestId('mreplay-badge');
  await expect(badge).toHaveText('REPLAY 100×');
  const chart = ws.getByTestId('mreplay-market-chart');
  const clock = ws.getByTestId('mreplay-clock');
  const bars = async () => Number(await chart.getAttribute('data-bars'));
  const clockTs = async () => Number(await clock.getAttribute('data-ts'));
  await expect.poll(bars, { timeout: 30_000 }).toBeGreaterThan(0);
  const startBars = await bars();
  const startClock = await clockTs();
  await snap(page, 'market-replay-started');

  // Play at 100×: a 1m bar every 0.6 s.
  await ws.getByTestId('mreplay-play').click();
  await expect(ws.getByTestId('mreplay-play')).toHaveText('Pause');
  await expect.poll(bars, { timeout: 30_000 }).toBeGreaterThanOrEqual(startBars + 3);
  await expect.poll(clockTs).toBeGreaterThanOrEqual(startClock + 3 * 60_000);
  // The newest bar on the chart is never after the replay clock.
  const lastBar = Number(await chart.getAttribute('data-last-ts'));
  expect(lastBar + 60_000).toBeLessThanOrEqual(await clockTs());
  await snap(page, 'market-replay-playing');

  // Pause: the bars and the clock stop.
  await ws.getByTestId('mreplay-play').click();
  await expect(ws.getByTestId('mreplay-play')).toHaveText('Play');
  await expect(ws.getByTestId('mreplay-progress')).toContainText('paused');
  const pausedBars = await bars();
  const pausedClock = await clockTs();
  await page.waitForTimeout(2_500);
  expect(await bars()).toBe(pausedBars);
  expect(await clockTs()).toBe(pausedClock);

  // Seek forward six hours: the clock jumps there, the chart gains those bars (and none beyond).
  const at = (hours: number) => {
    const base = from ? Date.parse(`${from}Z`) : startClock;
    return new Date(base + hours * 3_600_000).toISOString().slice(0, 16);
  };
  const goTo = ws.getByLabel('Seek to time');
  await goTo.fill(at(6));
  await ws.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(clock).toHaveText(`${at(6).replace('T', ' ')}:00`);
  await expect.poll(bars).toBeGreaterThanOrEqual(pausedBars + 300);
  expect(Number(await chart.getAttribute('data-last-ts')) + 60_000).toBe(await clockTs());
  await snap(page, 'market-replay-seek-forward');

  // A market buy from the replay's ticket: it waits for the next bar, fills at its open, shows in the blotter.
  const ticket = ws.getByTestId('mreplay-ticket');
  await expect(ticket.getByTestId('mreplay-last')).not.toHaveText('—');
  await ticket.getByRole('textbox', { name: 'Replay quantity' }).fill('0.01');
  await ticket.getByRole('button', { name: /Buy 0\.01 market/ }).click();
  const orders = ws.getByTestId('mreplay-orders');
  await expect(orders.locator('tbody tr')).toHaveCount(1);
  await expect(orders).toContainText('market');
  await ws.getByTestId('mreplay-step').click();
  await expect(orders.locator('tbody tr').first()).toHaveAttribute('data-state', 'filled');
  const fills = ws.getByTestId('mreplay-fills');
  await expect(fills.locator('tbody tr')).toHaveCount(1);
  await expect(fills).toContainText('0.01');
  await expect(ws.getByTestId('mreplay-blotter')).toContainText('BTC');
  await snap(page, 'market-replay-order-filled');

  // Seek back before the order: the session is rebuilt from the range start; the order is gone with its fill.
  await goTo.fill(at(2));
  await ws.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(clock).toHaveText(`${at(2).replace('T', ' ')}:00`);
  await expect(fills.locator('tbody tr')).toHaveText(['No fills yet.']);
  expect(Number(await chart.getAttribute('data-last-ts')) + 60_000).toBe(await clockTs());

  // Speed change from the transport: the badge says so.
  await ws.getByRole('combobox', { name: 'Replay speed' }).selectOption('max');
  await expect(badge).toHaveText('REPLAY MAX');
  await ws.getByTestId('mreplay-fill-model').locator('summary').click();
  await expect(ws.getByTestId('mreplay-fill-model')).toContainText('next bar\u2019s open');
  await snap(page, 'market-replay-seek-back');
});

test('a saved strategy trades a replay at max speed on the same kernel, its orders in the replay blotter', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  const studio = await openStudio(page, kestrel);
  await studio.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: /SMA crossover.*v1/ })).toBeVisible();

  await page.getByRole('button', { name: 'Replay', exact: true }).click();
  const ws = page.getByTestId('mreplay-workspace');
  const market = ws.getByRole('combobox', { name: 'Replay market' });
  await expect(market.locator('option[value="demo|BTC/USDT|1m"]')).toHaveCount(1, { timeout: 60_000 });
  await market.selectOption('demo|BTC/USDT|1m');
  await ws.getByRole('combobox', { name: 'Replay strategy' }).selectOption({ label: 'SMA crossover' });
  await ws.getByRole('combobox', { name: 'Replay start speed' }).selectOption('max');
  await ws.getByRole('button', { name: 'Start replay' }).click();
  await expect(ws.getByTestId('mreplay-badge')).toHaveText('REPLAY MAX');
  await ws.getByTestId('mreplay-play').click();
  await expect(ws.getByTestId('mreplay-progress')).toContainText('1440/1440 bars · finished', { timeout: 60_000 });
  const orders = ws.getByTestId('mreplay-orders');
  await expect(orders.locator('tbody tr').first()).toContainText('strategy');
  await expect(ws.getByTestId('mreplay-fills').locator('tbody tr').first()).not.toContainText('No fills yet');
  await ws.getByTestId('mreplay-fill-model').locator('summary').click();
  await expect(ws.getByTestId('mreplay-fill-model')).toContainText(/Strategy SMA crossover v1 runs on the same kernel as a backtest/);
  await snap(page, 'market-replay-strategy');
});
