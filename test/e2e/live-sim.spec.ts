import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KESTREL_SIM_SYMBOLS } from '../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange } from '../../main/venues/mock-exchange/index.ts';
import { expect, snap, startServer, test } from './fixtures.ts';

type VenueOrder = { clientOrderId: string; type: string; side: string; price: string };

/**
 * A sim account in the browser: an order planted on Kestrel Sim from outside and a fill made there appear on
 * the reconciliation screen and are adopted (the fill booked into the ledger); the balances held before are
 * acknowledged; the account is armed by typing its name; a market order fills at the venue; a bracket's
 * take-profit rests at the venue as its native LIMIT order and its stop-loss is held by Kestrel, labelled
 * "emulated" (Kestrel Sim's spot market has no stop-market type; a perpetual account's native stop is covered
 * by test/integration/trading/live-sim-bracket-lost.test.ts); the host is killed (SIGKILL) and restarted, and
 * reconciliation reports everything consistent, the adopted order and both exits taken over, not re-sent, and
 * the account disarmed.
 */
test('sim account: reconcile, adopt, arm, trade, bracket at the venue, kill the host, restart consistent', async ({ page }) => {
  test.setTimeout(300_000);
  // A candle every 250 ms (four hours of prices a minute): a bracket's exits 4 % away rest through the test.
  const sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 250, seed: 21 });
  const venueOrders = async () => ((await (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-sim1`)).json()) as { openOrders: VenueOrder[] }).openOrders;
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-live-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    version: 1,
    accounts: [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: 'sim1', name: 'Sim Desk', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ],
    selectedAccount: 'sim1',
  }));
  const env = { KESTREL_SIM_URL: sim.baseUrl };
  let { server, child } = await startServer(dataDir, env);
  try {
    await page.goto(server.url);
    const badge = page.getByTestId('live-badge');
    await expect(badge).toContainText('SIM · DISARMED');

    const last = Number(((await (await fetch(`${sim.baseUrl}/api/v3/ticker/24hr?symbol=BTCUSDT`)).json()) as { lastPrice: string }).lastPrice);
    const planted = await fetch(`${sim.baseUrl}/sim-admin/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'kestrel-sim1', market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: (Math.floor(last * 0.7 * 100) / 100).toFixed(2), clientOrderId: 'phone_1' }),
    });
    expect(planted.status).toBe(200);
    // …and a fill made there (another device trading the account).
    const traded = await fetch(`${sim.baseUrl}/sim-admin/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'kestrel-sim1', market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.003', clientOrderId: 'phone_2' }),
    });
    expect(traded.status).toBe(200);

    await badge.click();
    const screen = page.getByTestId('reconciliation');
    await screen.getByTestId('recon-check').click();
    const foreign = screen.getByTestId('recon-item-foreign-order');
    await expect(foreign).toContainText('not placed by Kestrel');
    const foreignFill = screen.getByTestId('recon-item-foreign-trade');
    await expect(foreignFill).toContainText('Fill made outside Kestrel');
    await expect(foreignFill).toContainText('buy 0.003');
    await expect(screen.getByTestId('recon-item-position-mismatch')).toHaveCount(KESTREL_SIM_SYMBOLS.length);
    await expect(screen.getByTestId('live-arm')).toBeDisabled();
    await snap(page, 'live-reconciliation-planted');

    await foreign.getByTestId('recon-adopt').click();
    await expect(foreign).toHaveCount(0);
    await expect(screen.getByTestId('live-arm')).toBeDisabled(); // fail closed until every difference is settled
    await foreignFill.getByTestId('recon-adopt').click();
    await expect(foreignFill).toHaveCount(0);
    for (let i = 0; i < KESTREL_SIM_SYMBOLS.length; i++) await screen.getByTestId('recon-item-position-mismatch').first().getByTestId('recon-acknowledge').click();
    await expect(screen.getByTestId('recon-gate')).toHaveText('Consistent with the venue');
    await screen.getByTestId('live-arm-confirm').fill('Sim Desk');
    await screen.getByTestId('live-arm').click();
    await expect(badge).toContainText('SIM · ARMED');
    await snap(page, 'live-armed');
    await screen.getByTestId('recon-close').click();

    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByRole('radio', { name: 'Market' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toContainText('BUY 0.001 BTC/USDT market');
    const blotter = page.getByRole('region', { name: 'Blotter' });
    await blotter.getByRole('tab', { name: /Fills/ }).click();
    const fillsTable = blotter.getByRole('table', { name: 'Fills' });
    await expect(fillsTable).toContainText('BTC/USDT');
    await expect(fillsTable).toContainText('0.003'); // the adopted fill is the ledger's
    await snap(page, 'live-filled');

    // A bracket: market entry, take-profit 4 % over the market, stop-loss 4 % under it.
    await ticket.getByRole('radio', { name: 'Bracket', exact: true }).click();
    // The desk's last price (the market entry's placeholder): the sim's 24 h ticker lags its replayed prints.
    const px = Number(await ticket.getByRole('textbox', { name: 'Entry price' }).getAttribute('placeholder'));
    expect(px).toBeGreaterThan(0);
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.002');
    await ticket.getByRole('textbox', { name: 'Take profit' }).fill((px * 1.04).toFixed(2));
    await ticket.getByRole('textbox', { name: 'Stop loss' }).fill((px * 0.96).toFixed(2));
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await ticket.getByTestId('ticket-send').click();
    const open = blotter.getByRole('table', { name: 'Open orders' });
    await blotter.getByRole('tab', { name: /Open/ }).click();
    await expect(open.getByText('limit (bracket)', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(open.getByText('stop-market (bracket) · emulated', { exact: true })).toBeVisible();
    // At the venue: the take-profit is its own LIMIT sell (the planted limit buy rests there too); the stop is not sent.
    await expect.poll(async () => (await venueOrders()).filter((o) => o.side === 'SELL').map((o) => o.type), { timeout: 60_000 }).toEqual(['LIMIT']);
    const atVenue = (await venueOrders()).filter((o) => o.side === 'SELL');
    expect(Number(atVenue[0]!.price)).toBeCloseTo(px * 1.04, 0);
    await snap(page, 'live-bracket');

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    ({ server, child } = await startServer(dataDir, env));
    await page.goto(server.url);
    await expect(badge).toContainText('SIM · DISARMED');
    await badge.click();
    await screen.getByTestId('recon-check').click();
    await expect(screen.getByTestId('recon-gate')).toHaveText('Consistent with the venue');
    await expect(screen.getByTestId('recon-list')).toHaveCount(0);
    await snap(page, 'live-restart-consistent');
    await screen.getByTestId('recon-close').click();
    await blotter.getByRole('tab', { name: /Open/ }).click();
    await expect(blotter).toContainText('0.002');
    // The exits were taken over, not re-sent: the same take-profit at the venue, both still in the blotter.
    await expect(open.getByText('limit (bracket)', { exact: true })).toBeVisible();
    await expect(open.getByText('stop-market (bracket) · emulated', { exact: true })).toBeVisible();
    expect((await venueOrders()).filter((o) => o.side === 'SELL').map((o) => o.clientOrderId).sort()).toEqual(atVenue.map((o) => o.clientOrderId).sort());
    await snap(page, 'live-restart-bracket');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
