import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KESTREL_SIM_SYMBOLS } from '../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange } from '../../main/venues/mock-exchange/index.ts';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * A sim account in the browser: an order planted on Kestrel Sim from outside appears on the reconciliation
 * screen, is adopted; the balances held before are acknowledged; the account is armed by typing its name;
 * a market order fills at the venue; the host is killed (SIGKILL) and restarted, and reconciliation reports
 * everything consistent, the adopted order still working and the account disarmed.
 */
test('sim account: reconcile, adopt, arm, trade, kill the host, restart consistent', async ({ page }) => {
  test.setTimeout(240_000);
  const sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 50, seed: 21 });
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

    await badge.click();
    const screen = page.getByTestId('reconciliation');
    await screen.getByTestId('recon-check').click();
    const foreign = screen.getByTestId('recon-item-foreign-order');
    await expect(foreign).toContainText('not placed by Kestrel');
    await expect(screen.getByTestId('recon-item-position-mismatch')).toHaveCount(KESTREL_SIM_SYMBOLS.length);
    await expect(screen.getByTestId('live-arm')).toBeDisabled();
    await snap(page, 'live-reconciliation-planted');

    await foreign.getByTestId('recon-adopt').click();
    await expect(foreign).toHaveCount(0);
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
    await expect(blotter.getByRole('table', { name: 'Fills' })).toContainText('BTC/USDT');
    await snap(page, 'live-filled');

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
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
