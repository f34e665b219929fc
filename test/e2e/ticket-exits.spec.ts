import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24, Deliver (ticket): the available balance, the quantity a % of equity makes, TP/SL in ticks / % / money with the projected P&L. */
test('ticket: balance, % of equity as a quantity, bracket exits typed in ticks and %, projected P&L, and the preview uses those prices', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await expect(ticket.getByTestId('ticket-available')).toContainText('Available 10,000.00 USDT');
  await ticket.getByRole('button', { name: 'use % of equity' }).click();
  await ticket.getByRole('textbox', { name: 'Percent of equity' }).fill('10');
  // 1,000 USDT at about the last price, floored to the 0.00001 lot.
  const est = Number((await ticket.getByTestId('pct-qty').textContent())!.match(/≈ ([\d.]+) BTC/)![1]);
  expect(est).toBeGreaterThan(0);
  expect(Math.abs(est * last - 1000)).toBeLessThan(last * 0.02);
  await ticket.getByRole('button', { name: 'use quantity' }).click();

  await ticket.getByRole('radio', { name: 'Bracket', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  const entry = Math.round(last * 0.99);
  await ticket.getByRole('textbox', { name: 'Entry price' }).fill(`${entry}.00`);
  await ticket.getByRole('combobox', { name: 'Take profit in' }).selectOption('ticks');
  await ticket.getByRole('textbox', { name: 'Take profit distance' }).fill('500');
  await expect(ticket.getByTestId('exit-price-takeProfit')).toHaveText(`→ ${entry + 5}.00 (ticks from entry)`);
  await ticket.getByRole('combobox', { name: 'Stop loss in' }).selectOption('pct');
  await ticket.getByRole('textbox', { name: 'Stop loss distance' }).fill('1');
  const sl = (Math.round(entry * 0.99 * 100) / 100).toFixed(2);
  await expect(ticket.getByTestId('exit-price-stopLoss')).toHaveText(`→ ${sl} (% from entry)`);
  // 5.00 × 0.01 BTC and 1 % of the entry × 0.01 BTC.
  const loss = ((entry - Number(sl)) * 0.01).toFixed(2);
  await expect(ticket.getByTestId('projected-pnl')).toContainText('At take profit +0.05');
  await expect(ticket.getByTestId('projected-pnl')).toContainText(`At stop loss -${loss}`);
  await snap(page, 'ticket-exits');

  // A change of the entry moves exits given as distances.
  await ticket.getByRole('textbox', { name: 'Entry price' }).fill(`${entry - 10}.00`);
  await expect(ticket.getByTestId('exit-price-takeProfit')).toHaveText(`→ ${entry - 5}.00 (ticks from entry)`);
  await ticket.getByTestId('ticket-preview').click();
  const preview = ticket.getByTestId('ticket-preview-pane');
  await expect(preview).toContainText(`Take profit${entry - 5}`);

  // A distance that crosses zero is refused in place.
  await page.keyboard.press('Escape');
  await ticket.getByRole('textbox', { name: 'Stop loss distance' }).fill('100');
  await expect(ticket.getByText('That puts the stop loss at or below zero')).toBeVisible();
});
