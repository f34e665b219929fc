import { readFileSync } from 'node:fs';
import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * Issue 24 #4: the audit log, its CSVs and the HTML report showed kernel integers ("buy limit 1000 4950000" for
 * 0.01 BTC at 49,500, qty_lots / price_ticks / fee_atto columns, float tails). Everything a person reads is now in
 * the instrument's units; raw integers stay only in columns labelled raw_….
 */
test('the audit log, its CSV and the HTML report read in prices, quantities and money', async ({ page, kestrel }) => {
  test.setTimeout(120_000);
  const { ticket, last } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  const price = (Math.floor(last * 0.97 * 100) / 100).toFixed(2);
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill(price);
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();

  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const audit = page.getByTestId('panel-audit');
  const grouped = Number(price).toLocaleString('en-US', { minimumFractionDigits: 2 });
  const row = audit.getByRole('row').filter({ hasText: /order/ }).filter({ hasText: `buy limit 0.01 BTC @ ${grouped}` }).first();
  await expect(row).toBeVisible();
  // No raw lots/ticks in what the log shows: 0.01 BTC is 1000 lots, the price is price×100 ticks.
  await expect(audit.getByRole('table', { name: 'Audit events' })).not.toContainText(String(Math.round(Number(price) * 100)));
  await row.click();
  await expect(audit.getByTestId('audit-summary')).toContainText('0.01 BTC');
  await expect(audit.getByText(/Raw payload/)).toBeVisible();
  await snap(page, 'audit-log-units');

  const csvDownload = page.waitForEvent('download');
  await audit.getByRole('combobox', { name: 'Export audit' }).selectOption('orders');
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').split('\r\n');
  expect(csv[0]).toMatch(/^client_order_id,symbol,side,type,state,qty,filled_qty,price,trigger_price,tag,updated_utc,raw_qty_lots/);
  expect(csv.find((l) => l.includes(`,0.01,0,${price},`))).toBeDefined();

  const htmlDownload = page.waitForEvent('download');
  await audit.getByRole('combobox', { name: 'Export audit' }).selectOption('html');
  const html = readFileSync(await (await htmlDownload).path(), 'utf8');
  expect(html).not.toMatch(/\(atto\)|\(lots\)|\(ticks\)/);
  const report = await page.context().newPage();
  await report.setContent(html);
  await expect(report.getByRole('heading', { name: 'Orders' })).toBeVisible();
  await expect(report.locator('table').filter({ hasText: 'client order id' })).toContainText(grouped);
  await expect(report.getByText(`buy limit 0.01 BTC @ ${grouped}`).first()).toBeVisible();
  await report.setViewportSize({ width: 1400, height: 1000 });
  await snap(report, 'audit-html-report');
  await report.close();
});
