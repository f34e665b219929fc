import type { Page } from '@playwright/test';
import { expect, snap, test } from './fixtures.ts';

async function open(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
}

test('the trader journey: chart, RSI, limit order, fill, cancel, backtest, audit', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  await open(page, kestrel.url);
  // Fresh start: the demo data is there and the chart shows it.
  const chart = page.getByTestId('chart');
  await expect(chart).toHaveAttribute('data-bars', /^[1-9]\d*/, { timeout: 60_000 });
  await expect(page.getByRole('combobox', { name: 'Symbol', exact: true })).toContainText('BTC/USDT');
  await page.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '15m' }).click();
  await page.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('indicator-rsi:14')).toBeVisible();
  await snap(page, 'trade-chart-rsi');

  // A paper limit buy just under the last price: it rests, then fills when the feed trades through it.
  const last = Number(await page.getByTestId('last-price').textContent());
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill((last * 0.9998).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await expect(ticket.getByTestId('preview-fee')).toContainText(/\d/);
  await snap(page, 'ticket-preview');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await expect(blotter.getByRole('table', { name: 'Open orders' })).toContainText('BTC/USDT');
  await snap(page, 'blotter-open-order');

  // The price crosses: the fill shows up, and the position and P&L with it.
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  await expect(blotter.getByRole('table', { name: 'Fills' }).getByRole('row')).toHaveCount(2, { timeout: 90_000 });
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  const positions = blotter.getByRole('table', { name: 'Positions' });
  await expect(positions).toContainText('LONG');
  await expect(positions).toContainText('0.01');
  await expect(blotter.getByTestId('unrealized')).not.toHaveText('0', { timeout: 20_000 });
  await snap(page, 'blotter-position');
});
