import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * The Account tab on the Demo paper account (Kestrel Sim prices), at 1280×720: a market buy and its close
 * (a sell) each leave an equity sample; the chart draws them, the per-strategy table books both fills as
 * "Manual" and ends with the account's row; the samples export as CSV; the history is still there after a
 * reload of the page (it comes from the ledger, not from the window).
 */
test('account tab: equity history charted and exported, P&L per strategy after a buy and a sell', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const { ticket } = await openTrading(page, kestrel);
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await blotter.getByRole('tab', { name: /Account/ }).click();
  const chartPane = blotter.getByRole('region', { name: 'Equity history' });
  // The session's start sample is there before any trade.
  await expect(chartPane).toContainText(/\b1 sample(?!s)/);

  await ticket.getByRole('radio', { name: 'Market' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  const positions = blotter.getByRole('table', { name: 'Positions' });
  await expect(positions).toContainText('LONG', { timeout: 60_000 });
  await positions.getByRole('button', { name: 'Close BTC/USDT' }).click();
  await expect(positions).toContainText('FLAT', { timeout: 60_000 });

  await blotter.getByRole('tab', { name: /Account/ }).click();
  const pnl = blotter.getByRole('table', { name: 'P&L per strategy' });
  const manual = pnl.getByRole('row').filter({ hasText: 'Manual' });
  await expect(manual).toHaveCount(1);
  await expect(manual.getByRole('cell').nth(6)).toHaveText('2', { timeout: 30_000 });
  // Net is the second column: in view even in the narrow panel.
  await expect(pnl.getByRole('columnheader').nth(1)).toHaveText(/Net/);
  await expect(manual.getByRole('cell').nth(1)).toBeInViewport();
  await expect(pnl.getByRole('row').filter({ hasText: 'Account' })).toHaveCount(1);
  // Start + fill samples: at least two points drawn (a fill sample follows within a second of each fill).
  const chart = blotter.getByTestId('equity-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await expect(chart.locator('canvas').first()).toBeVisible();
  // Both export buttons are on screen at 1280×720.
  const exportEquity = chartPane.getByRole('button', { name: 'Export CSV' });
  const exportPnl = blotter.getByTestId('strategy-pnl').getByRole('button', { name: 'Export CSV' });
  for (const b of [exportEquity, exportPnl]) {
    await expect(b).toBeInViewport();
    const box = (await b.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
  }
  await snap(page, 'account-equity-history');

  const download = page.waitForEvent('download');
  await exportEquity.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^equity-paper-\d+\.csv$/);
  const lines = Buffer.concat(await (await file.createReadStream()).toArray()).toString().trim().split(/\r?\n/);
  expect(lines[0]).toBe('time,ts,reason,equity,cash,realized,unrealized,fees,funding');
  expect(lines.slice(1).some((l) => l.includes(',fill,'))).toBe(true);
  expect(lines[1]).toContain(',start,');

  // The history comes from the ledger: a reload shows the same samples.
  const count = (await chartPane.textContent())!.match(/(\d+) samples/)![1];
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('region', { name: 'Blotter' }).getByRole('tab', { name: /Account/ }).click();
  await expect.poll(async () => Number((await page.getByRole('region', { name: 'Equity history' }).textContent())!.match(/(\d+) samples?/)?.[1] ?? 0)).toBeGreaterThanOrEqual(Number(count));
  await expect(page.getByRole('table', { name: 'P&L per strategy' }).getByRole('row').filter({ hasText: 'Manual' })).toHaveCount(1);
});
