import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * The positions panel end to end on the Demo paper account: a market buy opens a long; the panel shows
 * entry, mark and its Close / Reverse buttons (Reverse disabled: a spot holding cannot go short); Close
 * sells it at market; a spot sell of what is not held is refused with the exchange's reason; Flatten all
 * asks for confirmation first. The paper fill model's assumptions open from the positions toolbar.
 */
test('positions: buy at market, close with the button, a sell from flat is refused, flatten all confirms', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  const { ticket } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Market' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();

  const blotter = page.getByRole('region', { name: 'Blotter' });
  await blotter.getByRole('tab', { name: /Positions/ }).click();
  const positions = blotter.getByRole('table', { name: 'Positions' });
  await expect(positions).toContainText('LONG', { timeout: 60_000 });
  // The paper fill model's assumptions, next to the paper account's positions.
  const note = blotter.getByTestId('fill-model-note');
  await note.getByText('How paper fills work').click();
  const model = note.getByRole('definition');
  await expect(note.getByRole('term')).toHaveText(['Book walk', 'Queue', 'Latency', 'Fallbacks', 'Not modelled']);
  await expect(model.first()).toContainText('displayed L2 levels best first');
  await snap(page, 'positions-fill-model');
  await note.getByText('How paper fills work').click();
  await expect(positions.getByRole('button', { name: 'Reverse BTC/USDT' })).toBeDisabled();
  await expect(blotter.getByRole('button', { name: 'Flatten all' })).toBeEnabled();
  await snap(page, 'positions-long');

  // Flatten all asks first; cancelling leaves the position alone.
  await blotter.getByRole('button', { name: 'Flatten all' }).click();
  const dialog = page.getByRole('dialog', { name: 'Flatten all positions?' });
  await expect(dialog).toContainText('long 0.01 BTC/USDT');
  await snap(page, 'positions-flatten-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(positions).toContainText('LONG');

  await positions.getByRole('button', { name: 'Close BTC/USDT' }).click();
  await expect(positions).toContainText('FLAT', { timeout: 60_000 });
  await expect(positions.getByRole('button', { name: 'Close BTC/USDT' })).toHaveCount(0);
  await snap(page, 'positions-closed');

  // Nothing held any more: a spot sell is refused by the venue, as the exchange would.
  await ticket.getByRole('radio', { name: 'Sell' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await blotter.getByRole('tab', { name: /Order history/ }).click();
  await expect(blotter.getByRole('table', { name: 'Order history' })).toContainText('insufficient_balance', { timeout: 30_000 });
  await snap(page, 'positions-sell-from-flat-refused');
});
