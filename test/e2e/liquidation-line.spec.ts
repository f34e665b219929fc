import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KESTREL_SIM_SYMBOLS } from '../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange } from '../../main/venues/mock-exchange/index.ts';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * On a perpetual account (a Kestrel Sim USDⓈ-M account): the ticket's margin chip sets the symbol's leverage at the
 * venue and the "at most ≈" size follows it; a marketable limit sell opens a short valued at the venue's mark, the
 * positions panel shows its liquidation price, and the chart draws that price as its liquidation line. The same on a perpetual
 * PAPER account created in the Settings panel (local matching on Kestrel Sim's prices, 10× isolated): a market
 * buy opens a long; the ticket's margin chip refuses a margin mode change with the position open (the venue's
 * reason) and raises the symbol's leverage to 20×, and the liquidation price and line move toward the entry.
 */
test('perpetual paper account: created in Settings (isolated, 10×), a long shows its liquidation price as a chart line; raising the leverage in the ticket moves it', async ({ page }) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-liq-paper-'));
  const sym = 'BTC/USDT:USDT';
  const { server, child } = await startServer(dataDir, { KESTREL_PAPER_PRICES: 'venue' });
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const form = page.getByRole('form', { name: 'New account' });
    await form.getByRole('textbox', { name: 'Account name' }).fill('Paper Perp');
    await form.getByRole('combobox', { name: 'Account venue' }).selectOption('kestrel-sim');
    await form.getByRole('combobox', { name: 'Account environment' }).selectOption('paper');
    await form.getByRole('combobox', { name: 'Account market type' }).selectOption('perpetual');
    await form.getByRole('combobox', { name: 'Account margin mode' }).selectOption('isolated');
    await form.getByRole('textbox', { name: 'Account leverage' }).fill('10');
    await form.getByRole('button', { name: 'Create account' }).click();
    const switcher = page.getByTestId('account-switcher');
    await expect(switcher.locator('option', { hasText: 'Paper Perp' })).toHaveCount(1);
    await switcher.selectOption('paper-perp');
    await expect(switcher).toBeEnabled();
    await page.getByRole('button', { name: 'Trade', exact: true }).click();

    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await expect(ticket.getByRole('combobox').first().locator(`option[value="${sym}"]`)).toHaveCount(1, { timeout: 60_000 });
    await ticket.getByRole('combobox').first().selectOption(sym);
    await ticket.getByRole('radio', { name: 'Buy' }).click();
    await ticket.getByRole('radio', { name: 'Market', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toContainText(`BUY 0.01 ${sym}`);

    const blotter = page.getByRole('region', { name: 'Blotter' });
    await blotter.getByRole('tab', { name: /Positions/ }).click();
    const positions = blotter.getByRole('table', { name: 'Positions' });
    await expect(positions).toContainText('LONG', { timeout: 60_000 });
    const entry = Number((await positions.getByRole('row').nth(1).getByRole('cell').nth(3).innerText()).replace(/,/g, ''));
    const liqCell = positions.getByTestId(`liq-${sym}`);
    await expect(liqCell).toBeVisible();
    const liqOf = async () => Number((await liqCell.innerText()).replace(/,/g, ''));
    const liq = await liqOf();
    // 10× isolated on Kestrel Sim's first bracket (0.4 % maintenance up to 50 000): (1 − 1/10) / (1 − 0.004) = 0.9036 of the entry.
    expect(liq).toBeGreaterThan(entry * 0.9);
    expect(liq).toBeLessThan(entry * 0.907);

    const lines = () => page.evaluate(() => (window as unknown as { __kestrelChart: { priceLineSpecs: readonly { kind: string; price: number; title: string }[] } }).__kestrelChart.priceLineSpecs.filter((l) => l.kind === 'liquidation'));
    await expect.poll(async () => (await lines()).map((l) => l.price), { timeout: 30_000 }).toEqual([liq]);
    expect((await lines())[0]!.title).toContain('LIQ');
    await snap(page, 'paper-perp-liquidation-line');

    // The ticket's margin chip: with the long open the venue refuses another margin mode, in its words.
    const chip = ticket.getByTestId('margin-chip');
    await expect(chip).toHaveText('Isolated 10×');
    await chip.click();
    const dialog = page.getByRole('dialog', { name: `Margin of ${sym}` });
    await dialog.getByRole('radio', { name: 'Cross' }).click();
    await dialog.getByTestId('margin-apply').click();
    await expect(dialog.getByTestId('margin-error')).toContainText('Margin type cannot be changed if there exists position');
    await snap(page, 'paper-perp-margin-refused');
    // Where the margin comes from: the sim's own brackets (listed with its markets), the mark on its stream.
    await expect(dialog.getByTestId('margin-sources')).toContainText('Tiers: the venue\'s leverage brackets (listed with its markets). Mark: venue stream (markPrice).');
    // Isolated at 20×: allowed (a raise), the liquidation price moves to (1 − 1/20) / 0.996 = 0.9538 of the entry, and the line with it.
    await dialog.getByRole('radio', { name: 'Isolated' }).click();
    await dialog.getByRole('textbox', { name: 'Leverage' }).fill('20');
    await dialog.getByTestId('margin-apply').click();
    await expect(dialog).toHaveCount(0);
    await expect(chip).toHaveText('Isolated 20×');
    await expect.poll(liqOf, { timeout: 30_000 }).toBeGreaterThan(entry * 0.95);
    const liq20 = await liqOf();
    expect(liq20).toBeLessThan(entry * 0.957);
    await expect(positions.getByTestId(`margin-${sym}`)).toContainText('Iso 20×');
    await expect.poll(async () => (await lines()).map((l) => l.price), { timeout: 30_000 }).toEqual([liq20]);
    await snap(page, 'paper-perp-leverage-raised');

    // At 1280×720 the account's figures stay on one line under the blotter's tabs (two lines with them).
    await page.setViewportSize({ width: 1280, height: 720 });
    const strip = blotter.getByTestId('account');
    await expect.poll(async () => (await strip.boundingBox())?.height ?? 99, { timeout: 10_000 }).toBeLessThan(30);
    const tabs = (await blotter.getByRole('tablist', { name: 'Blotter' }).boundingBox())!;
    expect((await strip.boundingBox())!.y).toBeLessThan(tabs.y + 2 * tabs.height);
    await snap(page, 'paper-perp-1280x720');

    // Close (reduce-only, as a venue's close) flattens the perpetual; its liquidation price goes with it.
    await positions.getByRole('button', { name: `Close ${sym}` }).click();
    await expect(positions.getByRole('button', { name: `Close ${sym}` })).toHaveCount(0, { timeout: 30_000 });
    await expect(liqCell).toHaveCount(0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});

test('perpetual account: a short shows its liquidation price in the positions panel and as a chart line', async ({ page }) => {
  test.setTimeout(240_000);
  const sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 50, seed: 23 });
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-liq-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    version: 1,
    accounts: [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: 'perp1', name: 'Perp Desk', venue: 'kestrel-sim', environment: 'sim', marketType: 'perpetual', currency: 'USDT', riskProfile: 'default', credentials: null },
    ],
    selectedAccount: 'perp1',
  }));
  const { server, child } = await startServer(dataDir, { KESTREL_SIM_URL: sim.baseUrl });
  try {
    await page.goto(server.url);
    const badge = page.getByTestId('live-badge');
    await expect(badge).toContainText('SIM · DISARMED', { timeout: 60_000 });
    await badge.click();
    const screen = page.getByTestId('reconciliation');
    await screen.getByTestId('recon-check').click();
    await expect(screen.getByTestId('recon-gate')).toHaveText('Consistent with the venue', { timeout: 30_000 });
    await screen.getByTestId('live-arm-confirm').fill('Perp Desk');
    await screen.getByTestId('live-arm').click();
    await expect(badge).toContainText('SIM · ARMED');
    await screen.getByTestId('recon-close').click();

    const ticket = page.getByRole('region', { name: 'Order ticket' });
    const sym = 'BTC/USDT:USDT';
    await ticket.getByRole('combobox').first().selectOption(sym);
    await ticket.getByRole('radio', { name: 'Sell' }).click();
    // Kestrel Sim streams no perpetual prices to the desk (no last price to value a market order against):
    // a marketable limit, 1 % under the sim's mark, fills at once at the bid.
    const mark = Number(((await (await fetch(`${sim.baseUrl}/fapi/v1/premiumIndex?symbol=BTCUSDT`)).json()) as { markPrice: string }).markPrice);
    await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill((mark * 0.99).toFixed(2));

    // The sim account's leverage is the venue's (20×, Binance's default), set from the ticket's chip at the venue;
    // the "at most ≈" size is the available margin at that leverage over the price, less the fee.
    const chip = ticket.getByTestId('margin-chip');
    await expect(chip).toHaveText('Cross 20×', { timeout: 30_000 });
    const avail = ticket.getByTestId('ticket-available');
    await expect(avail).toContainText('Available margin 100,000');
    await expect(avail).toContainText('at 20×');
    const atMost = async () => Number(/at most ≈ ([\d.]+)/.exec(await avail.innerText())?.[1] ?? Number.NaN);
    const at20 = await atMost();
    // 100 000 × 20 / price, less the taker fee on it: a little under 2 000 000 / price.
    expect(at20).toBeLessThan(2_000_000 / (mark * 0.99));
    expect(at20).toBeGreaterThan(1_950_000 / (mark * 0.99));
    await chip.click();
    const dialog = page.getByRole('dialog', { name: `Margin of ${sym}` });
    await dialog.getByRole('textbox', { name: 'Leverage' }).fill('50');
    await dialog.getByTestId('margin-apply').click();
    await expect(dialog).toHaveCount(0);
    await expect(chip).toHaveText('Cross 50×');
    expect(sim.private.engine.account('kestrel-perp1').position('BTCUSDT').leverage).toBe(50);
    await expect.poll(atMost, { timeout: 10_000 }).toBeGreaterThan(at20 * 2.4);
    await snap(page, 'sim-perp-leverage-50');

    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toContainText(`SELL 0.01 ${sym}`);

    const blotter = page.getByRole('region', { name: 'Blotter' });
    await blotter.getByRole('tab', { name: /Positions/ }).click();
    const positions = blotter.getByRole('table', { name: 'Positions' });
    await expect(positions).toContainText('SHORT', { timeout: 60_000 });
    await expect(positions.getByTestId(`margin-${sym}`)).toContainText('Cross 50×');
    // P&L at the venue's mark (premiumIndex, polled for held perpetuals), not at a last price.
    await expect(positions.locator('[data-mark-source="mark"]')).toHaveCount(1, { timeout: 30_000 });
    const liqCell = positions.getByTestId(`liq-${sym}`);
    await expect(liqCell).toBeVisible();
    const liq = Number((await liqCell.innerText()).replace(/,/g, ''));
    expect(liq).toBeGreaterThan(0);

    // The chart (of the pair, or the perpetual itself) carries the liquidation line at that price.
    const lines = () => page.evaluate(() => (window as unknown as { __kestrelChart: { priceLineSpecs: readonly { kind: string; price: number; title: string }[] } }).__kestrelChart.priceLineSpecs.filter((l) => l.kind === 'liquidation'));
    await expect.poll(async () => (await lines()).map((l) => l.price), { timeout: 30_000 }).toEqual([liq]);
    expect((await lines())[0]!.title).toContain('LIQ');
    await snap(page, 'perp-liquidation-line');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
