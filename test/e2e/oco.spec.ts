import { expect, openTrading, snap, test } from './fixtures.ts';

test('protect a position with an OCO from the ticket: take-profit and stop work as one group', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);

  // A position to protect.
  await ticket.getByRole('radio', { name: 'Market' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await expect(page.getByText(/Filled buy 0\.01 BTC\/USDT/)).toBeVisible();

  // Sell OCO: profit 3% above, stop 3% below.
  await ticket.getByRole('radio', { name: 'Sell' }).click();
  await ticket.getByRole('radio', { name: 'OCO' }).click();
  await expect(ticket.getByRole('textbox', { name: 'Limit price' })).toHaveCount(0);
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByRole('textbox', { name: 'Take profit' }).fill((last * 1.03).toFixed(2));
  await ticket.getByRole('textbox', { name: 'Stop loss' }).fill((last * 0.97).toFixed(2));
  await ticket.getByRole('textbox', { name: 'Stop-loss limit' }).fill((last * 0.969).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  const pane = ticket.getByTestId('ticket-preview-pane');
  await expect(pane).toContainText('PASS');
  await expect(pane).toContainText('Stop-loss limit');
  await expect(pane).not.toContainText('market (');
  await snap(page, 'ticket-oco');
  await ticket.getByTestId('ticket-send').click();

  const open = blotter.getByRole('table', { name: 'Open orders' });
  await expect(open.getByText('limit (oco)', { exact: true })).toBeVisible();
  await expect(open.getByText('stop-limit (oco)', { exact: true })).toBeVisible();

  // Sides are checked: a sell OCO with its take-profit below the market is refused, naming the field.
  await ticket.getByRole('textbox', { name: 'Take profit' }).fill((last * 0.9).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await expect(page.getByText(/takeProfit must be above the last price/)).toBeVisible();
});
