import { expect, openTrading, test } from './fixtures.ts';

/** Issue 24 #9: off-tick prices were snapped silently; 0.000001, 1e2 and 0,5 all said "Enter a quantity above 0". */
test('the ticket names each bad input and shows what it snapped', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
  const qty = ticket.getByRole('textbox', { name: 'Quantity' });
  const price = ticket.getByRole('textbox', { name: 'Limit price' });
  const base = Math.floor(last * 0.98);
  await price.fill(`${base}.005`);
  await price.blur();
  await expect(price).toHaveValue(`${base}.01`);
  await expect(ticket.getByTestId('snap-note-price')).toHaveText(`${base}.005 → ${base}.01: snapped to the 0.01 tick`);
  for (const [typed, message] of [
    ['0.000001', 'Below one lot (0.00001 BTC)'],
    ['1e2', 'Write the number out (no exponent): 100'],
    ['0,5', 'Use a dot for decimals: 0.5'],
    ['-3', 'A quantity is positive (the side says buy or sell)'],
  ] as const) {
    await qty.fill(typed);
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByText(message)).toBeVisible();
  }
  // Below the minimum order value: the host says it in money, not "min notional 5 qty".
  await qty.fill('0.00001');
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText(/order value [\d.]+ USDT is below the minimum of 5 USDT/);
});
