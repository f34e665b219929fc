import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

const acct = (id: string, name: string, venue: string) => ({ id, name, venue, environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null });

test('account switcher: an order on Desk B shows in its blotter only; the ticket and blotter follow the selected account', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-accounts-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    version: 1,
    venues: [{ id: 'kestrel-sim', name: 'Kestrel Sim', exchange: 'binance', builtin: true }, { id: 'loopback-b', name: 'Loopback B', exchange: 'binance', builtin: true }],
    accounts: [acct('demo', 'Demo', 'kestrel-sim'), acct('desk-b', 'Desk B', 'loopback-b')],
  }));
  const { server, child } = await startServer(dataDir);
  try {
    await page.goto(server.url);
    const switcher = page.getByTestId('account-switcher');
    await expect(switcher).toHaveValue('demo');
    await switcher.selectOption('desk-b');
    await expect(switcher).toBeEnabled();

    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByRole('radio', { name: 'Market' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toContainText('BUY 0.01 BTC/USDT market');

    const blotter = page.getByRole('region', { name: 'Blotter' });
    await blotter.getByRole('tab', { name: /Fills/ }).click();
    const fills = blotter.getByRole('table', { name: 'Fills' });
    await expect(fills).toContainText('BTC/USDT');
    await snap(page, 'accounts-desk-b');

    await switcher.selectOption('demo');
    await expect(switcher).toBeEnabled();
    await expect(fills).not.toContainText('BTC/USDT');
    await switcher.selectOption('desk-b');
    await expect(fills).toContainText('BTC/USDT');
    // The choice is remembered in the settings document.
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).selectedAccount).toBe('desk-b');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
