import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * Issue 24 #5: after the kill switch the Trade screen looked normal (green BUY, "Order accepted" for an order
 * the switch had just cancelled). The state is now on every screen, the ticket says what an order would meet,
 * and the stale confirmation is gone.
 */
test('the kill switch shows HALTED everywhere an order can be placed and clears the stale confirmation', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill((Math.floor(last * 0.97 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toContainText('Order accepted');

  await page.getByRole('button', { name: 'Risk', exact: true }).click();
  await page.getByRole('button', { name: /KILL SWITCH/ }).click();
  await page.getByRole('button', { name: 'Halt trading and cancel all' }).click();
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');

  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await expect(ticket.getByTestId('trading-state-banner')).toContainText('Trading HALTED');
  await expect(ticket.getByTestId('ticket-sent')).toHaveCount(0);
  // The order the confirmation showed is cancelled, and says so in the blotter.
  await page.getByRole('tab', { name: /Order history/ }).click();
  await expect(page.getByRole('table', { name: 'Order history' })).toContainText('canceled');
  // BUY is no longer the inviting green: the button says what would happen.
  const buyBg = await ticket.getByRole('radio', { name: 'Buy' }).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(buyBg).not.toBe('rgb(38, 166, 154)');
  await snap(page, 'trade-halted');
  for (const ws of ['Studio', 'Audit', 'Data', 'Settings']) {
    await page.getByRole('button', { name: ws, exact: true }).click();
    await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  }

  // Reducing-only is shown as such, and resuming brings back ACTIVE without the banner.
  await page.getByRole('button', { name: 'Risk', exact: true }).click();
  await page.getByRole('button', { name: 'Reducing only' }).click();
  await expect(page.getByTestId('trading-state')).toHaveText('REDUCING');
  await page.getByRole('button', { name: 'Resume trading' }).click();
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await expect(ticket.getByTestId('trading-state-banner')).toHaveCount(0);
});
