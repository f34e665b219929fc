import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * Market replay (issue 18 item 6) through the Trade workspace's own ticket, chart, blotter and positions: stored
 * demo candles of two symbols replayed at 100×. Bars advance while it plays and stop when paused; a seek moves
 * the clock (forward delivers, backward rebuilds the session); an order from the normal ticket fills at the next
 * bar's open and shows in the normal blotter, in the replay's own account: back on the paper account it is not there.
 * The top bar's trading state and the Risk panel's kill switch act on the replay shown (its position closes at the
 * next bar), never on the paper account behind it, whose resting order and ACTIVE state are untouched.
 */
test('replay stored history at 100x in the Trade workspace: the same ticket, chart and blotter trade it', async ({ page, kestrel }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  const { ticket, last } = await openTrading(page, kestrel);
  const switcher = page.getByTestId('account-switcher');
  await expect(switcher).toHaveValue('demo');
  // A resting order on the paper account: a kill switch that reached this account would cancel it.
  await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.003');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill((Math.floor(last * 0.97 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toContainText('Order accepted');
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');

  await page.getByTestId('replay-open').click();
  const setup = page.getByRole('dialog', { name: 'Start a market replay' });
  const data = setup.getByRole('combobox', { name: 'Replay data' });
  // The demo history is generated on first start: its datasets appear once they are stored.
  await expect(data.locator('option[value="demo|1m"]')).toHaveCount(1, { timeout: 60_000 });
  await data.selectOption('demo|1m');
  await expect(setup.getByRole('checkbox', { name: 'Replay BTC/USDT' })).toBeChecked();
  await setup.getByRole('checkbox', { name: 'Replay ETH/USDT' }).check();
  await setup.getByRole('combobox', { name: 'Replay start speed' }).selectOption('100');
  // Dates are written in the app's time zone (UTC until Settings changes it), as everywhere else.
  await expect(setup.getByText('From (UTC)')).toBeVisible();
  const from = await setup.getByRole('textbox', { name: 'Replay from' }).inputValue();
  expect(from).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await snap(page, 'market-replay-setup');
  await setup.getByRole('button', { name: 'Start replay' }).click();

  const bar = page.getByTestId('replay-bar');
  await expect(bar.getByTestId('mreplay-badge')).toHaveText('REPLAY 100×');
  await expect(switcher).toHaveValue(/^replay:/);
  const chartRegion = page.getByRole('region', { name: 'Chart', exact: true });
  await chartRegion.getByRole('button', { name: '1m', exact: true }).click();
  const chart = page.getByTestId('chart');
  const clock = bar.getByTestId('mreplay-clock');
  const bars = async () => Number(await chart.getAttribute('data-bars'));
  const lastTs = async () => Number(await chart.getAttribute('data-last-ts'));
  const clockTs = async () => Number(await clock.getAttribute('data-ts'));
  await expect.poll(bars, { timeout: 30_000 }).toBeGreaterThan(0);
  // Paused before its first bar: each symbol's last price is the close the chart ends on (not "—").
  await expect(page.getByTestId('last-price')).toHaveText(/^\d/);
  await expect(page.getByTestId('replay-markets')).toContainText('ETH/USDT');
  await expect(page.getByTestId('replay-markets')).not.toContainText('—');
  // Indicators work on the replay chart as on any other: the host computes them over the bars shown.
  await chartRegion.getByRole('combobox', { name: 'Indicator' }).fill('sma:5');
  await chartRegion.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(chartRegion.getByTestId('indicator-sma:5')).toBeVisible();
  const lines = () => page.evaluate(() => (window as unknown as { __kestrelChart: { placements(): { lines: { key: string; min: number }[] } } }).__kestrelChart.placements().lines);
  await expect.poll(async () => (await lines()).map((l) => l.key)).toEqual(['sma:5']);
  expect((await lines())[0]!.min).toBeGreaterThan(0);
  await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('BTC/USDT');
  const startBars = await bars();
  const startClock = await clockTs();

  // Play at 100×: a 1m bar every 0.6 s; the newest bar on the chart is never after the replay clock.
  await bar.getByTestId('mreplay-play').click();
  await expect(bar.getByTestId('mreplay-play')).toHaveText('Pause');
  await expect.poll(bars, { timeout: 30_000 }).toBeGreaterThanOrEqual(startBars + 3);
  await expect.poll(clockTs).toBeGreaterThanOrEqual(startClock + 3 * 60_000);
  expect((await lastTs()) + 60_000).toBeLessThanOrEqual(await clockTs());
  await snap(page, 'market-replay-playing');

  // Pause: the bars, the clock and the last price stop.
  await bar.getByTestId('mreplay-play').click();
  await expect(bar.getByTestId('mreplay-play')).toHaveText('Play');
  await expect(bar.getByTestId('mreplay-progress')).toContainText('paused');
  const pausedBars = await bars();
  const pausedClock = await clockTs();
  const pausedPrice = await page.getByTestId('last-price').textContent();
  await page.waitForTimeout(2_000);
  expect(await bars()).toBe(pausedBars);
  expect(await clockTs()).toBe(pausedClock);
  expect(await page.getByTestId('last-price').textContent()).toBe(pausedPrice);

  // Seek forward six hours (typed in the app's zone): the clock jumps there, the chart gains those bars and none beyond.
  const at = (hours: number, minutes = 0) => new Date(Date.parse(`${from.replace(' ', 'T')}Z`) + hours * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  const goTo = bar.getByRole('textbox', { name: 'Seek to time' });
  await goTo.fill(at(6));
  await bar.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(clock).toHaveText(`${at(6)}:00`);
  // (So many bars at once reload the chart from the replay: at most its last 2,000, the newest closing at the clock.)
  await expect.poll(async () => (await lastTs()) + 60_000).toBe(await clockTs());
  expect(await bars()).toBeGreaterThanOrEqual(Math.min(2_000, pausedBars + 300));

  // A market buy from the normal ticket: it waits for the next bar, fills at its open, shows in the normal blotter.
  await ticket.getByRole('radio', { name: 'Market', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toContainText('BUY 0.01 BTC/USDT market');
  await bar.getByTestId('mreplay-step').click();
  await expect(clock).toHaveText(`${at(6, 1)}:00`);
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  const fills = blotter.getByRole('table', { name: 'Fills' });
  await expect(fills).toContainText('BTC/USDT');
  await expect(fills).toContainText('0.01');
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  await expect(blotter.getByRole('table', { name: 'Positions' })).toContainText('BTC/USDT');
  // The account tab charts the replay account's equity over replay time: its start, then the fill's bar.
  await blotter.getByRole('tab', { name: /Account/ }).click();
  await expect.poll(async () => Number(await blotter.getByTestId('equity-chart').getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await expect(blotter.getByText(/Equity · \d+ samples/)).toBeVisible();
  await snap(page, 'market-replay-equity');
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  await snap(page, 'market-replay-order-filled');
  await page.setViewportSize({ width: 1280, height: 720 });
  await snap(page, 'market-replay-order-filled-1280');

  // The chart's symbol switch lists the replay's symbols; the ticket follows it.
  await chartRegion.getByRole('combobox', { name: 'Symbol' }).selectOption({ label: 'ETH/USDT · replay of demo' });
  await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('ETH/USDT');
  await expect.poll(async () => (await lastTs()) + 60_000).toBe(await clockTs());
  await snap(page, 'market-replay-eth-1280');
  await page.setViewportSize({ width: 1600, height: 1000 });

  // The top bar's trading state is the replay's; its kill switch (Risk panel) names the replay and acts on it only.
  const state = page.getByTestId('trading-state');
  await expect(state).toHaveText('ACTIVE');
  await state.click();
  const risk = page.getByTestId('panel-risk');
  await expect(risk.getByTestId('risk-account')).toHaveText('Replay BTC/USDT, ETH/USDT');
  await risk.getByRole('button', { name: /KILL SWITCH/ }).click();
  const confirmKill = page.getByRole('dialog', { name: 'Engage the kill switch?' });
  await expect(confirmKill.getByTestId('kill-account')).toHaveText('Replay BTC/USDT, ETH/USDT');
  await confirmKill.getByRole('button', { name: 'Halt trading and cancel all' }).click();
  await expect(page.getByText(/closing 1 position at market/)).toBeVisible();
  await expect(state).toHaveText('HALTED');
  await snap(page, 'market-replay-kill-switch');
  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await expect(bar).toBeVisible();
  // The closing order fills at the next bar's open: the replay is flat.
  await bar.getByTestId('mreplay-step').click();
  await expect(clock).toHaveText(`${at(6, 2)}:00`);
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  await expect(blotter.getByRole('table', { name: 'Positions' })).toContainText('FLAT');
  await expect(blotter.getByRole('table', { name: 'Positions' })).not.toContainText('LONG');
  await expect(ticket.getByTestId('trading-state-banner')).toContainText('Trading HALTED');

  // Seek back before the order: the session is rebuilt from the range start; the order is gone with its fill.
  await goTo.fill(at(2));
  await bar.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(clock).toHaveText(`${at(2)}:00`);
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  await expect(fills).toContainText('No fills yet.');
  await expect.poll(async () => (await lastTs()) + 60_000).toBe(await clockTs());
  // The kill switch was a command of the replay at 6:01: before it, the replay trades again.
  await expect(state).toHaveText('ACTIVE');

  // Speed from the bar; the fill model is stated.
  await bar.getByRole('combobox', { name: 'Replay speed' }).selectOption('max');
  await expect(bar.getByTestId('mreplay-badge')).toHaveText('REPLAY MAX');
  await bar.getByTestId('mreplay-fill-model').locator('summary').click();
  await expect(bar.getByTestId('mreplay-fill-model')).toContainText('next bar\u2019s open');
  await snap(page, 'market-replay-seek-back');

  // Back on the paper account: the replay's orders and its kill switch never reached it (its resting order is
  // still open, trading ACTIVE), and the bar is gone; the replay can be resumed.
  await switcher.selectOption('demo');
  await expect(bar).toHaveCount(0);
  await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('BTC/USDT');
  await expect(state).toHaveText('ACTIVE');
  await blotter.getByRole('tab', { name: /Order history/ }).click();
  const history = blotter.getByRole('table', { name: 'Order history' });
  await expect(history).toContainText('0.003');
  await expect(history).not.toContainText('market');
  await blotter.getByRole('tab', { name: /Open orders/ }).click();
  await expect(blotter.getByRole('table', { name: 'Open orders' })).toContainText('0.003');
  await switcher.selectOption({ label: 'Replay · BTC/USDT, ETH/USDT · demo 1m' });
  await expect(clock).toHaveText(`${at(2)}:00`);

  // As fast as possible to the end: the chart reloads from the replay and ends at the clock.
  await bar.getByTestId('mreplay-play').click();
  await expect(bar.getByTestId('mreplay-progress')).toHaveText(/^(\d+)\/\1 · finished$/, { timeout: 30_000 });
  await expect.poll(async () => (await lastTs()) + 60_000).toBe(await clockTs());
});
