import { expect, openTrading, snap, test } from './fixtures.ts';

/** How the blotter starts to print a price: grouped integer part, fraction without trailing zeros. */
const shown = (p: string): string => {
  const [int = '0', frac = ''] = p.split('.');
  const f = frac.replace(/0+$/, '');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f ? `.${f}` : ''}`;
};

test('modify a working order from the blotter: new limit price, through the risk gate', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  // Both must rest (3–4 % under the market: fixtures.ts restingBuyPrice) and stay inside the 5 % price band.
  const far = (last * 0.96).toFixed(2);
  const nearer = (last * 0.97).toFixed(2);
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill(far);
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();

  const open = page.getByRole('region', { name: 'Blotter' }).getByRole('table', { name: 'Open orders' });
  await expect(open).toContainText(shown(far));
  await open.getByRole('button', { name: /^Modify / }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Modify order' });
  await expect(dialog.getByRole('textbox', { name: 'New limit price' })).toBeFocused();
  await dialog.getByRole('textbox', { name: 'New limit price' }).fill(nearer);
  await snap(page, 'blotter-modify');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(open).toContainText(shown(nearer));

  // Off the tick: refused with the reason, the order unchanged.
  await open.getByRole('button', { name: /^Modify / }).first().click();
  await dialog.getByRole('textbox', { name: 'New limit price' }).fill(`${nearer}1`);
  await page.keyboard.press('Enter');
  await expect(page.getByText(/not a multiple of 0\.01/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(open).toContainText(shown(nearer));
});
