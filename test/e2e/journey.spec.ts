import type { Page } from '@playwright/test';
import { expect, lastPrice, restingBuyPrice, snap, test } from './fixtures.ts';

async function open(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
}

// The Demo account trades on Kestrel Sim's prints; its clock at 10x prints a trade every 1.5 s (4 per sim minute).
test.use({ kestrelEnv: { KESTREL_SIM_SPEED: '10' } });

test('the trader journey: chart, RSI, limit order, fill, cancel, backtest, audit', async ({ page, kestrel }) => {
  test.setTimeout(300_000);
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

  // A paper limit buy at the last price: under the venue's ask it rests, then fills when the market comes down to it.
  const last = await lastPrice(page);
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill(last.toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await expect(ticket.getByTestId('preview-fee')).toContainText(/\d/);
  await snap(page, 'ticket-preview');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  const blotter = page.getByRole('region', { name: 'Blotter' });
  // It rests, unless the market came down to it between reading the price and the order's arrival (a loaded
  // machine stretches those seconds into sim minutes): then it is already filled, which is what comes next anyway.
  await expect(blotter.getByRole('tab', { name: 'Open orders 1' }).or(blotter.getByRole('tab', { name: 'Fills 1' })).first()).toBeVisible();
  await snap(page, 'blotter-open-order');

  // The price crosses: the fill shows up, and the position and P&L with it.
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  await expect(blotter.getByRole('table', { name: 'Fills' }).getByRole('row')).toHaveCount(2, { timeout: 150_000 });
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  const positions = blotter.getByRole('table', { name: 'Positions' });
  await expect(positions).toContainText('LONG');
  await expect(positions).toContainText('0.01');
  await expect(blotter.getByTestId('unrealized')).not.toHaveText(/^0(\.0+)?$/, { timeout: 20_000 });
  await snap(page, 'blotter-position');

  // Another order, far from the market (as it is now, minutes after the first), cancelled from the blotter.
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill(restingBuyPrice(await lastPrice(page)));
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  await blotter.getByRole('tab', { name: /Open orders/ }).click();
  const openTable = blotter.getByRole('table', { name: 'Open orders' });
  await expect(openTable.getByRole('row')).toHaveCount(2);
  await openTable.getByRole('button', { name: /^Cancel / }).click();
  await expect(openTable).toContainText('No open orders');
  await blotter.getByRole('tab', { name: /Order history/ }).click();
  await expect(blotter.getByRole('table', { name: 'Order history' })).toContainText('canceled');
  await snap(page, 'blotter-history');

  // A template backtest with progress, then its results.
  await page.getByRole('button', { name: 'Studio', exact: true }).click();
  const studio = page.getByTestId('panel-studio');
  await studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: /SMA crossover/ }).click();
  await expect(studio.getByTestId('validation')).toContainText('Valid');
  await snap(page, 'studio-form');
  await studio.getByRole('button', { name: 'Run backtest' }).click();
  await expect(studio.getByTestId('backtest-progress').getByRole('progressbar')).toBeVisible();
  await expect(studio.getByTestId('run-status')).toContainText('backtest ok', { timeout: 60_000 });
  const results = studio.getByTestId('backtest-results');
  await expect(results.getByTestId('stat-trades')).toHaveText(/^[1-9]/);
  await snap(page, 'studio-results');
  // A trade from the list, shown on the chart.
  await results.getByRole('table', { name: 'Backtest trades' }).getByRole('row').nth(1).click();
  await expect(page.getByTestId('workspace-trade')).toBeVisible();
  await expect(page.getByText('SMA crossover trades')).toBeVisible();

  // The audit view: the chain verifies, and the signed bundle exports.
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const audit = page.getByTestId('panel-audit');
  await expect(audit.getByTestId('chain-status')).toContainText('CHAIN VERIFIED');
  await audit.getByRole('combobox', { name: 'Event type' }).selectOption('fill');
  const events = audit.getByRole('table', { name: 'Audit events' });
  await expect(events.getByRole('row')).toHaveCount(2);
  await events.getByRole('row').nth(1).click();
  await expect(audit.getByTestId('audit-detail')).toContainText('Previous');
  await snap(page, 'audit');
  const download = page.waitForEvent('download');
  await audit.getByRole('combobox', { name: 'Export audit' }).selectOption('bundle');
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^kestrel-audit-.*\.jsonl$/);
  const text = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(text).toString().split('\n').filter(Boolean).length).toBeGreaterThan(3);

  // The other panels, for the record.
  await page.getByRole('button', { name: 'Risk', exact: true }).click();
  await expect(page.getByTestId('panel-risk')).toContainText('KILL SWITCH');
  await snap(page, 'risk');
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  await page.getByRole('table', { name: 'Datasets' }).getByRole('row').nth(1).click();
  await expect(page.getByTestId('quality')).toBeVisible({ timeout: 30_000 });
  await snap(page, 'data');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Starting balance' })).toHaveValue('10000');
  await snap(page, 'settings');
});
