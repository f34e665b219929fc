import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24 #3: a buy stop below the market passed the preview and filled at once. */
test('a stop the market has already crossed is refused until the trader confirms it triggers at once', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Stop', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByRole('textbox', { name: 'Trigger price' }).fill((Math.floor(last * 0.99 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  const preview = ticket.getByTestId('ticket-preview-pane');
  await expect(preview).toContainText('REJECTED');
  await expect(preview).toContainText('would trigger at once');
  await expect(ticket.getByTestId('ticket-send')).toBeDisabled();
  await snap(page, 'ticket-stop-triggers-now');

  // Explicit confirmation: the preview passes, says so, and the order triggers on arrival.
  await ticket.getByTestId('confirm-trigger-now').getByRole('checkbox').check();
  await expect(preview).toContainText('PASS');
  await expect(preview).toContainText('TRIGGERS AT ONCE');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
  await page.getByRole('tab', { name: /Fills/ }).click();
  await expect(page.getByRole('table', { name: 'Fills' })).toContainText('BTC/USDT');

  // A stop on the right side of the market needs no confirmation.
  await page.keyboard.press('Escape');
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByRole('textbox', { name: 'Trigger price' }).fill((Math.ceil(last * 1.01 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await expect(preview).toContainText('PASS');
  await expect(ticket.getByTestId('confirm-trigger-now')).toHaveCount(0);
});
