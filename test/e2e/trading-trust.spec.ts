import type { Locator, Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openTrading, snap, startServer, test } from './fixtures.ts';

/** A table's cells by column header, one record per row (cells carry their raw value as data-value). */
async function tableRows(table: Locator): Promise<Record<string, string>[]> {
  return table.evaluate((el) => {
    const headers = [...el.querySelectorAll('[role="columnheader"]')].map((h) => (h.textContent ?? '').trim());
    return [...el.querySelectorAll('[role="row"]')]
      .map((r) => [...r.querySelectorAll('[role="cell"]')])
      .filter((cells) => cells.length)
      .map((cells) => Object.fromEntries(cells.map((c, i) => [headers[i] ?? String(i), c.getAttribute('data-value') ?? (c.textContent ?? '').trim()])));
  });
}

async function marketBuy(page: Page, ticket: Locator, qty: string): Promise<void> {
  await ticket.getByRole('radio', { name: 'Market', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill(qty);
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  await page.keyboard.press('Escape');
}

/**
 * Issue 24, ticket: the live bid/ask (the account venue's book) and the available balance. On a Kestrel Sim
 * account the desk's prices and the book are one market, so the quote brackets the ticket's last price.
 */
test('the ticket quotes the live bid and ask and the available balance', async ({ page }) => {
  test.setTimeout(150_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-quote-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    version: 1,
    accounts: [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: 'sim1', name: 'Sim Desk', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ],
    selectedAccount: 'sim1',
  }));
  const { server, child } = await startServer(dataDir);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('BTC/USDT', { timeout: 60_000 });
    const bidText = ticket.getByTestId('ticket-bid').locator('b');
    await expect(bidText).toHaveText(/\d/, { timeout: 60_000 });
    await expect(ticket.locator('.ticket-symbol .last')).toHaveText(/\d/, { timeout: 60_000 });
    // One read of the DOM: bid, ask and last of the same render (the book moves between separate reads).
    const [bid, ask, last] = await ticket.evaluate((el) =>
      ['[data-testid="ticket-bid"] b', '[data-testid="ticket-ask"] b', '.ticket-symbol .last'].map((q) => Number((el.querySelector(q)?.textContent ?? '').replace(/,/g, ''))),
    );
    expect(bid).toBeGreaterThan(0);
    expect(ask).toBeGreaterThan(bid);
    expect(Math.abs(bid - last) / last).toBeLessThan(0.01);
    await expect(ticket.getByTestId('ticket-spread')).toContainText('spread');
    await expect(ticket.getByTestId('ticket-available')).toContainText(/Available [\d,]+\.\d\d USDT/);
    // A click on the ask puts it in the limit field.
    await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
    await ticket.getByTestId('ticket-ask').click();
    expect(Number(await ticket.getByRole('textbox', { name: 'Limit price' }).inputValue())).toBeGreaterThan(bid);
    await snap(page, 'ticket-quote');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});

/** Issue 24 #7 and #10: trade ids that do not read as other orders' ids; fill markers at their fill prices (they were stacked below the bar). */
test('trade ids apart from order ids, fill markers at their prices', async ({ page, kestrel }) => {
  test.setTimeout(150_000);
  const { ticket } = await openTrading(page, kestrel);
  for (let i = 0; i < 3; i++) await marketBuy(page, ticket, '0.001');
  await page.getByRole('tab', { name: /Fills/ }).click();
  const fillsTable = page.getByRole('table', { name: 'Fills' });
  await expect.poll(async () => (await tableRows(fillsTable)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('tab', { name: /Order history/ }).click();
  const orders = await tableRows(page.getByRole('table', { name: 'Order history' }));
  await page.getByRole('tab', { name: /Fills/ }).click();
  const fills = await tableRows(fillsTable);
  const orderIds = new Set(orders.map((o) => o['Order id']));
  expect(orderIds.size).toBeGreaterThanOrEqual(3);
  for (const f of fills) {
    expect(f['Trade id']).toBeTruthy();
    // Before: trade n of a session was `session-n`, the id of the session's order n.
    expect(orderIds.has(f['Trade id']!)).toBe(false);
  }

  // The chart's markers: one per fill, its tip at the fill's price.
  await expect.poll(() => page.evaluate(() => (window as unknown as { __kestrelChart: { drawnMarkers(): unknown[] } }).__kestrelChart.drawnMarkers().length)).toBeGreaterThanOrEqual(3);
  const drawn = await page.evaluate(() => {
    const c = (window as unknown as { __kestrelChart: { drawnMarkers(): { id: string | null; position: string; price: number | null }[]; priceToY(p: number): number | null } }).__kestrelChart;
    return c.drawnMarkers().map((m) => ({ ...m, y: m.price === null ? null : c.priceToY(m.price) }));
  });
  for (const f of fills) {
    const m = drawn.find((d) => d.id === f['Trade id']);
    expect(m, `marker of ${f['Trade id']}`).toBeDefined();
    expect(m!.position).toBe('atPriceTop');
    expect(m!.price).toBe(Number(f.Price));
    expect(m!.y).not.toBeNull();
  }
  await snap(page, 'chart-fill-markers');
});

/**
 * Issue 24 #3 on amend: a stop moved to a trigger the market has already crossed must be refused or explicitly
 * confirmed, as at submit (it was sent and filled at once). And #9: a ticket refused at preview leaves its
 * refusal in the audit log (it left nothing).
 */
test('amending a stop through the market needs confirmation; a refused preview is audited', async ({ page, kestrel }) => {
  test.setTimeout(150_000);
  const { ticket, last } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Stop', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  const above = (Math.ceil(last * 1.03 * 100) / 100).toFixed(2);
  await ticket.getByRole('textbox', { name: 'Trigger price' }).fill(above);
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();

  const open = page.getByRole('region', { name: 'Blotter' }).getByRole('table', { name: 'Open orders' });
  await expect(open.getByRole('button', { name: /^Modify / })).toHaveCount(1);
  await open.getByRole('button', { name: /^Modify / }).click();
  const dialog = page.getByRole('dialog', { name: 'Modify order' });
  const below = (Math.floor(last * 0.97 * 100) / 100).toFixed(2);
  await dialog.getByRole('textbox', { name: 'New trigger price' }).fill(below);
  await page.keyboard.press('Enter');
  const warn = dialog.getByTestId('amend-trigger-now');
  await expect(warn).toContainText('would trigger at once');
  await expect(dialog.getByRole('button', { name: 'Modify' })).toBeDisabled();
  await snap(page, 'amend-trigger-now');
  // Nothing changed while unconfirmed: the stop still rests at its old trigger.
  await expect(open.getByRole('button', { name: /^Modify / })).toHaveCount(1);
  await warn.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Modify' }).click();
  await expect(dialog).toBeHidden();
  // Confirmed: it triggers at once and fills.
  await page.getByRole('tab', { name: /Fills/ }).click();
  await expect(page.getByRole('table', { name: 'Fills' })).toContainText('BTC/USDT', { timeout: 30_000 });

  // A stop through the market, previewed without confirmation: refused, and the refusal is in the audit log.
  await ticket.getByRole('radio', { name: 'Stop', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.002');
  await ticket.getByRole('textbox', { name: 'Trigger price' }).fill(below);
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('REJECTED');
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const audit = page.getByTestId('panel-audit');
  const row = audit.getByRole('row').filter({ hasText: 'REJECTED at preview' }).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText('buy stop-market 0.002 BTC');
  await expect(row).toContainText('would trigger at once');
  await snap(page, 'audit-preview-refusal');
});
